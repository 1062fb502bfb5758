package dev.verimail.registration.web;

import java.util.LinkedHashMap;
import java.util.Map;

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
import dev.verimail.web.security.ClientAddresses;

/**
 * The sign-up form. Errors re-render the form with the messages and what the person typed; success redirects
 * (POST-redirect-GET) to the "check your email" page.
 */
@Controller
class SignupPages {

    private final Registrations registrations;
    private final ClientAddresses clients;

    SignupPages(Registrations registrations, ClientAddresses clients) {
        this.registrations = registrations;
        this.clients = clients;
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
            Model model, HttpServletRequest request, HttpServletResponse response) {
        model.addAttribute("name", name);
        model.addAttribute("email", email);
        Map<String, String> repeated = repeatedFields(request, "name", "email");
        if (!repeated.isEmpty()) {
            response.setStatus(HttpStatus.BAD_REQUEST.value());
            model.addAttribute("errors", repeated);
            return "register";
        }
        try {
            // no flash attributes: they would live in an HTTP session, and a sign-up creates none
            registrations.register(Signup.of(name, email), clients.of(request));
            return "redirect:/register/check-email";
        }
        catch (InvalidSignupException e) {
            response.setStatus(HttpStatus.BAD_REQUEST.value());
            model.addAttribute("errors", e.fieldErrors());
        }
        catch (EmailTakenException e) {
            response.setStatus(HttpStatus.CONFLICT.value());
            model.addAttribute("errors", Map.of("email",
                    "This email address is already registered. Check your inbox for the verification link."));
        }
        catch (RateLimitedException e) {
            limited(response, e);
            model.addAttribute("errors", Map.of("email", "Too many sign-ups from here or for this address. Please try "
                    + "again in " + minutes(e) + "."));
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
            HttpServletResponse response) {
        model.addAttribute("email", email.strip());
        Map<String, String> repeated = repeatedFields(request, "email");
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
            model.addAttribute("errors", e.fieldErrors());
            return "resend";
        }
        catch (ResendThrottledException e) {
            response.setStatus(HttpStatus.TOO_MANY_REQUESTS.value());
            response.setHeader("Retry-After", Long.toString(Math.max(1, e.retryAfter().toSeconds())));
            model.addAttribute("throttledSeconds", Math.max(1, e.retryAfter().toSeconds()));
        }
        catch (RateLimitedException e) {
            limited(response, e);
            model.addAttribute("errors", Map.of("email", "Too many links were asked for from here or for this "
                    + "address. Please try again in " + minutes(e) + "."));
            return "resend";
        }
        model.addAttribute("errors", Map.of());
        return "resend";
    }

    private static void limited(HttpServletResponse response, RateLimitedException e) {
        response.setStatus(HttpStatus.TOO_MANY_REQUESTS.value());
        response.setHeader("Retry-After", Long.toString(e.retryAfterSeconds()));
    }

    private static String minutes(RateLimitedException e) {
        long minutes = (e.retryAfterSeconds() + 59) / 60;
        return minutes <= 1 ? "a minute" : minutes + " minutes";
    }

    /**
     * A field sent twice would reach us joined with a comma ({@code name=a&name=b} is "a,b"): a value nobody typed.
     * Refused like a duplicate key in JSON.
     */
    private static Map<String, String> repeatedFields(HttpServletRequest request, String... fields) {
        Map<String, String> errors = new LinkedHashMap<>();
        for (String field : fields) {
            String[] values = request.getParameterValues(field);
            if (values != null && values.length > 1) {
                errors.put(field, "Please fill in this field once.");
            }
        }
        return errors;
    }

    @GetMapping("/register/check-email")
    String checkEmail() {
        return "check-email";
    }
}
