package dev.verimail.web.security;

import java.util.List;
import java.util.function.Supplier;

import jakarta.servlet.http.HttpServletRequest;

import org.springframework.context.ApplicationContext;
import org.springframework.security.authorization.AuthorityAuthorizationManager;
import org.springframework.security.authorization.AuthorizationDecision;
import org.springframework.security.authorization.AuthorizationManager;
import org.springframework.security.authorization.AuthorizationResult;
import org.springframework.security.core.Authentication;
import org.springframework.security.web.access.intercept.RequestAuthorizationContext;
import org.springframework.web.servlet.mvc.method.RequestMappingInfoHandlerMapping;
import org.springframework.web.util.ServletRequestPathUtils;

/**
 * The rule for everything a service did not list as public: an endpoint that exists needs the operator role; a path
 * that no controller serves goes on to the usual 404 (a mistyped address gets the friendly "not found" page, not
 * "log in"). Whether a controller serves it is asked of the service's own request mappings, so an endpoint added
 * later without being listed as public is closed, not open. Any doubt (an error while asking) counts as "exists".
 */
final class OperatorOnlyUnlessUnknown implements AuthorizationManager<RequestAuthorizationContext> {

    private final AuthorityAuthorizationManager<RequestAuthorizationContext> operator =
            AuthorityAuthorizationManager.hasRole(OperatorTokenFilter.ROLE);
    private final ApplicationContext context;
    private volatile List<RequestMappingInfoHandlerMapping> mappings;

    OperatorOnlyUnlessUnknown(ApplicationContext context) {
        this.context = context;
    }

    @Override
    public AuthorizationResult authorize(Supplier<? extends Authentication> authentication,
            RequestAuthorizationContext request) {
        if (!served(request.getRequest())) {
            return new AuthorizationDecision(true);
        }
        return operator.authorize(authentication, request);
    }

    private boolean served(HttpServletRequest request) {
        boolean parsed = ServletRequestPathUtils.hasParsedRequestPath(request);
        if (!parsed) {
            ServletRequestPathUtils.parseAndCache(request);
        }
        try {
            for (RequestMappingInfoHandlerMapping mapping : mappings()) {
                if (mapping.getHandler(request) != null) {
                    return true;
                }
            }
            return false;
        }
        catch (Exception e) {
            // e.g. the path exists for another method or body type: it is an endpoint
            return true;
        }
        finally {
            if (!parsed) {
                ServletRequestPathUtils.clearParsedRequestPath(request);
            }
        }
    }

    private List<RequestMappingInfoHandlerMapping> mappings() {
        List<RequestMappingInfoHandlerMapping> found = mappings;
        if (found == null) {
            found = List.copyOf(context.getBeansOfType(RequestMappingInfoHandlerMapping.class).values());
            mappings = found;
        }
        return found;
    }
}
