package dev.verimail.verification.web;

import java.util.Locale;

import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;

import org.springframework.http.HttpStatus;
import org.springframework.stereotype.Controller;
import org.springframework.ui.Model;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestParam;

import dev.verimail.verification.challenge.Outcome;
import dev.verimail.verification.challenge.Verifications;
import dev.verimail.verification.config.VerificationProperties;
import dev.verimail.web.i18n.LanguageResolver;
import dev.verimail.web.i18n.Languages;

/**
 * The pages behind the link in the email. GET only looks at the link and shows a "Confirm my email" button, because
 * mail scanners open links to inspect them and must not verify anyone; the button POSTs and verifies. With
 * {@code verification.confirm-on-get=true} the GET verifies at once, as the classic flow does.
 *
 * The pages speak the language of the sign-up the link belongs to (stored with its challenge), unless the request
 * names one with {@code lang} (the confirm form sends it along); a link that reveals nothing (unknown, wrong authcode,
 * not stored yet) follows {@code Accept-Language}.
 */
@Controller
class VerifyPages {

    private final Verifications verifications;
    private final VerificationProperties properties;

    VerifyPages(Verifications verifications, VerificationProperties properties) {
        this.verifications = verifications;
        this.properties = properties;
    }

    @GetMapping("/verify")
    String open(@RequestParam(required = false) String token, @RequestParam(required = false) String authcode,
            Model model, HttpServletRequest request, HttpServletResponse response) {
        if (isBlank(token) || isBlank(authcode)) {
            return incomplete(model, response);
        }
        Outcome outcome = properties.confirmOnGet() ? verifications.verify(token, authcode)
                : verifications.check(token, authcode);
        return show(outcome, token, authcode, model, request, response);
    }

    @PostMapping("/verify")
    String confirm(@RequestParam(required = false) String token, @RequestParam(required = false) String authcode,
            Model model, HttpServletRequest request, HttpServletResponse response) {
        if (isBlank(token) || isBlank(authcode)) {
            return incomplete(model, response);
        }
        return show(verifications.verify(token, authcode), token, authcode, model, request, response);
    }

    private String show(Outcome outcome, String token, String authcode, Model model, HttpServletRequest request,
            HttpServletResponse response) {
        Locale stored = Languages.of(outcome.locale());
        if (stored != null && LanguageResolver.requested(request) == null) {
            LanguageResolver.use(request, stored);
        }
        model.addAttribute("name", outcome.name());
        model.addAttribute("email", outcome.email());
        model.addAttribute("registrationUrl", properties.registrationBaseUrl() + "/register");
        switch (outcome.status()) {
            case PENDING -> {
                model.addAttribute("token", token);
                model.addAttribute("authcode", authcode);
                return "verify-confirm";
            }
            case VERIFIED -> {
                return "verify-verified";
            }
            case ALREADY_VERIFIED -> {
                return "verify-already";
            }
            case NOT_READY -> {
                // a genuine link whose challenge is still on its way: the page reloads itself (no script needed)
                long seconds = Math.max(1, properties.notReadyRetryAfter().toSeconds());
                response.setStatus(HttpStatus.SERVICE_UNAVAILABLE.value());
                response.setHeader("Retry-After", Long.toString(seconds));
                model.addAttribute("refreshSeconds", seconds);
                return "verify-wait";
            }
            case EXPIRED -> {
                response.setStatus(HttpStatus.GONE.value());
                model.addAttribute("resendUrl", properties.resendUrl());
                return "verify-expired";
            }
            default -> {
                response.setStatus(HttpStatus.NOT_FOUND.value());
                model.addAttribute("incomplete", false);
                return "verify-invalid";
            }
        }
    }

    private String incomplete(Model model, HttpServletResponse response) {
        response.setStatus(HttpStatus.BAD_REQUEST.value());
        model.addAttribute("incomplete", true);
        model.addAttribute("registrationUrl", properties.registrationBaseUrl() + "/register");
        return "verify-invalid";
    }

    private static boolean isBlank(String value) {
        return value == null || value.isBlank();
    }
}
