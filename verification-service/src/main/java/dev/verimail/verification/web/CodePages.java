package dev.verimail.verification.web;

import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;

import org.springframework.http.HttpStatus;
import org.springframework.stereotype.Controller;
import org.springframework.ui.Model;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestParam;

import dev.verimail.verification.challenge.CodeRefusedException;
import dev.verimail.verification.challenge.Outcome;
import dev.verimail.verification.challenge.Verifications;
import dev.verimail.verification.config.VerificationProperties;
import dev.verimail.web.security.ClientAddresses;

/**
 * The code of the email, typed in: a form (address and code; query parameters fill it in), and its POST, which
 * answers with the link's result pages (confirmed, confirmed before, expired with a resend). A wrong code, or an
 * address we do not know, shows the form again with one and the same message; five wrong codes lock the challenge
 * and the page offers a new email.
 */
@Controller
class CodePages {

    private final Verifications verifications;
    private final VerificationProperties properties;
    private final ClientAddresses clients;

    CodePages(Verifications verifications, VerificationProperties properties, ClientAddresses clients) {
        this.verifications = verifications;
        this.properties = properties;
        this.clients = clients;
    }

    @GetMapping("/verify/code")
    String form(@RequestParam(required = false) String email, @RequestParam(required = false) String code,
            Model model) {
        return form(model, email, code, null);
    }

    @PostMapping("/verify/code")
    String verify(@RequestParam(required = false) String email, @RequestParam(required = false) String code,
            Model model, HttpServletRequest request, HttpServletResponse response) {
        String digits = CodeForm.normalize(code);
        if (!CodeForm.isAddress(email) || digits == null) {
            response.setStatus(HttpStatus.BAD_REQUEST.value());
            return form(model, email, code, CodeForm.isAddress(email) ? "code.error.format" : "code.error.email");
        }
        Outcome outcome;
        try {
            outcome = verifications.verifyCode(email, digits, clients.of(request));
        }
        catch (CodeRefusedException e) {
            response.setStatus(HttpStatus.TOO_MANY_REQUESTS.value());
            if (e.reason() == CodeRefusedException.Reason.RATE_LIMITED) {
                response.setHeader("Retry-After", Long.toString(Math.max(1, (e.retryAfter().toMillis() + 999) / 1000)));
                return form(model, email, null, "code.error.rateLimited");
            }
            model.addAttribute("email", email.strip());
            model.addAttribute("resendUrl", properties.resendUrl());
            return "verify-code-locked";
        }
        model.addAttribute("name", outcome.name());
        model.addAttribute("email", outcome.email());
        model.addAttribute("registrationUrl", properties.registrationBaseUrl() + "/register");
        switch (outcome.status()) {
            case VERIFIED -> {
                return "verify-verified";
            }
            case ALREADY_VERIFIED -> {
                return "verify-already";
            }
            case EXPIRED -> {
                response.setStatus(HttpStatus.GONE.value());
                model.addAttribute("resendUrl", properties.resendUrl());
                return "verify-expired";
            }
            default -> {
                response.setStatus(HttpStatus.NOT_FOUND.value());
                return form(model, email, null, "code.error.notValid");
            }
        }
    }

    private String form(Model model, String email, String code, String error) {
        model.addAttribute("email", email == null ? "" : email.strip());
        model.addAttribute("code", code == null ? "" : code.strip());
        model.addAttribute("error", error);
        model.addAttribute("registrationUrl", properties.registrationBaseUrl() + "/register");
        return "verify-code";
    }
}
