package dev.verimail.registration.web;

import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;

import org.springframework.context.MessageSource;
import org.springframework.http.HttpStatus;
import org.springframework.stereotype.Controller;
import org.springframework.ui.Model;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestParam;

import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;

import dev.verimail.registration.limit.RateLimitedException;
import dev.verimail.registration.user.EmailTakenException;
import dev.verimail.registration.user.InvalidSignupException;
import dev.verimail.registration.user.Registrations;
import dev.verimail.registration.user.ResendThrottledException;
import dev.verimail.registration.user.Signup;
import dev.verimail.web.i18n.Languages;
import dev.verimail.web.security.ClientAddresses;

/**
 * The sign-up form. Errors re-render the form with the messages and what the person typed; success redirects
 * (POST-redirect-GET) to the "check your email" page. Every text comes from {@code messages*.properties} in the
 * page's language ({@code LanguageResolver}: {@code lang}, then {@code Accept-Language}); the forms send the language
 * along in a hidden {@code lang} field, so their answers and the redirect speak it too, and a sign-up stores it with
 * the user.
 */
@Controller
class SignupPages {

    private final Registrations registrations;
    private final ClientAddresses clients;
    private final MessageSource messages;

    SignupPages(Registrations registrations, ClientAddresses clients, MessageSource messages) {
        this.registrations = registrations;
        this.clients = clients;
        this.messages = messages;
    }

    @GetMapping("/")
    String home() {
        return "redirect:/register";
    }

    @GetMapping("/register")
    String form(Model model) {
        model.addAttribute("name", "");
        model.addAttribute("email", "");
        model.addAttribute("errors", Map.of());
        return "register";
    }

    @PostMapping("/register")
    String submit(@RequestParam(defaultValue = "") String name, @RequestParam(defaultValue = "") String email,
            Model model, HttpServletRequest request, HttpServletResponse response, Locale locale) {
        model.addAttribute("name", name);
        model.addAttribute("email", email);
        Map<String, String> repeated = repeatedFields(request, locale, "name", "email");
        if (!repeated.isEmpty()) {
            response.setStatus(HttpStatus.BAD_REQUEST.value());
            model.addAttribute("errors", repeated);
            return "register";
        }
        try {
            // no flash attributes: they would live in an HTTP session, and a sign-up creates none
            String tag = Languages.tag(locale);
            registrations.register(Signup.of(name, email).withLocale(tag), clients.of(request));
            return "redirect:/register/check-email?lang=" + tag;
        }
        catch (InvalidSignupException e) {
            response.setStatus(HttpStatus.BAD_REQUEST.value());
            model.addAttribute("errors", texts(e, locale));
        }
        catch (EmailTakenException e) {
            response.setStatus(HttpStatus.CONFLICT.value());
            model.addAttribute("errors", Map.of("email", text("signup.error.taken", locale)));
        }
        catch (RateLimitedException e) {
            limited(response, e);
            model.addAttribute("errors", Map.of("email", text("signup.error.limited", locale, minutes(e, locale))));
        }
        return "register";
    }

    @GetMapping("/register/resend")
    String resendForm(@RequestParam(defaultValue = "") String email, Model model) {
        model.addAttribute("email", email);
        model.addAttribute("errors", Map.of());
        return "resend";
    }

    /** The expired-link page of verification-service posts here. Answers alike for every address. */
    @PostMapping("/register/resend")
    String resend(@RequestParam(defaultValue = "") String email, Model model, HttpServletRequest request,
            HttpServletResponse response, Locale locale) {
        model.addAttribute("email", email.strip());
        Map<String, String> repeated = repeatedFields(request, locale, "email");
        if (!repeated.isEmpty()) {
            response.setStatus(HttpStatus.BAD_REQUEST.value());
            model.addAttribute("errors", repeated);
            return "resend";
        }
        try {
            registrations.resend(email, clients.of(request));
            model.addAttribute("sent", true);
        }
        catch (InvalidSignupException e) {
            response.setStatus(HttpStatus.BAD_REQUEST.value());
            model.addAttribute("errors", texts(e, locale));
            return "resend";
        }
        catch (ResendThrottledException e) {
            response.setStatus(HttpStatus.TOO_MANY_REQUESTS.value());
            response.setHeader("Retry-After", Long.toString(Math.max(1, e.retryAfter().toSeconds())));
            model.addAttribute("throttledSeconds", Math.max(1, e.retryAfter().toSeconds()));
        }
        catch (RateLimitedException e) {
            limited(response, e);
            model.addAttribute("errors", Map.of("email", text("resend.error.limited", locale, minutes(e, locale))));
            return "resend";
        }
        model.addAttribute("errors", Map.of());
        return "resend";
    }

    private static void limited(HttpServletResponse response, RateLimitedException e) {
        response.setStatus(HttpStatus.TOO_MANY_REQUESTS.value());
        response.setHeader("Retry-After", Long.toString(e.retryAfterSeconds()));
    }

    private String minutes(RateLimitedException e, Locale locale) {
        long minutes = (e.retryAfterSeconds() + 59) / 60;
        return minutes <= 1 ? text("time.minute", locale) : text("time.minutes", locale, minutes);
    }

    private String text(String key, Locale locale, Object... args) {
        return messages.getMessage(key, args, locale);
    }

    /** The field errors of a sign-up in the page's language. */
    private Map<String, String> texts(InvalidSignupException e, Locale locale) {
        Map<String, String> errors = new LinkedHashMap<>();
        e.fieldMessageKeys().forEach((field, key) -> errors.put(field, text(key, locale)));
        return errors;
    }

    /**
     * A field sent twice would reach us joined with a comma ({@code name=a&name=b} is "a,b"): a value nobody typed.
     * Refused like a duplicate key in JSON.
     */
    private Map<String, String> repeatedFields(HttpServletRequest request, Locale locale, String... fields) {
        Map<String, String> errors = new LinkedHashMap<>();
        for (String field : fields) {
            String[] values = request.getParameterValues(field);
            if (values != null && values.length > 1) {
                errors.put(field, text("signup.error.once", locale));
            }
        }
        return errors;
    }

    @GetMapping("/register/check-email")
    String checkEmail() {
        return "check-email";
    }
}
