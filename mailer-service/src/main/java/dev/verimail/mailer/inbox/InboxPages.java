package dev.verimail.mailer.inbox;

import java.util.List;

import io.swagger.v3.oas.annotations.Operation;
import org.springframework.context.annotation.Conditional;
import org.springframework.http.MediaType;
import org.springframework.stereotype.Controller;
import org.springframework.ui.Model;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.ResponseBody;

import dev.verimail.mailer.config.Transport;

/** {@code GET /inbox} (HTML, newest first) and {@code GET /api/inbox?to=} (JSON). Only while the inbox is active. */
@Controller
@Conditional(Transport.IsInbox.class)
class InboxPages {

    private final InboxMessages messages;

    InboxPages(InboxMessages messages) {
        this.messages = messages;
    }

    @GetMapping(path = "/inbox", produces = MediaType.TEXT_HTML_VALUE)
    String inbox(@RequestParam(required = false) String to, Model model) {
        model.addAttribute("messages", messages.latest(to));
        model.addAttribute("to", to);
        return "inbox";
    }

    @Operation(summary = "The built-in inbox (development only)", description = "Exists only with "
            + "MAILER_TRANSPORT=inbox: the emails the mailer would have sent, newest first, optionally only those "
            + "to an address; anonymous (the local stack binds every listener to 127.0.0.1).")
    @GetMapping(path = "/api/inbox", produces = MediaType.APPLICATION_JSON_VALUE)
    @ResponseBody
    List<InboxMessage> api(@RequestParam(required = false) String to) {
        return messages.latest(to);
    }
}
