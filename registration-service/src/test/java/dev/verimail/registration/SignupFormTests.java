package dev.verimail.registration;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Map;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.jdbc.core.JdbcTemplate;

import dev.verimail.events.Topics;
import dev.verimail.testbed.EventSchemaAssert;
import dev.verimail.testbed.ServiceTest;
import dev.verimail.testbed.TestHttp;
import dev.verimail.testbed.TopicReader;

@ServiceTest
class SignupFormTests {

    @LocalServerPort
    int port;

    @Autowired
    JdbcTemplate db;

    @Value("${spring.kafka.bootstrap-servers}")
    String bootstrapServers;

    TestHttp http;

    @BeforeEach
    void setUp() {
        http = TestHttp.localhost(port);
    }

    @Test
    void showsTheSignupForm() {
        HttpResponse<String> page = http.get("/register");

        assertThat(page.statusCode()).isEqualTo(200);
        assertThat(page.headers().firstValue("Content-Type").orElseThrow()).startsWith("text/html");
        assertThat(page.body()).contains("<form", "name=\"name\"", "name=\"email\"", "Sign up");
    }

    @Test
    void signupThroughTheFormStoresTheUserPublishesTheEventAndShowsCheckYourEmail() {
        HttpResponse<String> response = http.postForm("/register", Map.of("name", "Form User", "email", "form@example.com"));

        assertThat(response.statusCode()).isEqualTo(302);
        assertThat(response.headers().firstValue("Location").orElseThrow()).endsWith("/register/check-email?lang=en");
        Long id = db.queryForObject("SELECT id FROM users WHERE email_key = 'form@example.com'", Long.class);
        try (TopicReader reader = TopicReader.fromBeginning(bootstrapServers, Topics.REGISTRATION_EVENTS)) {
            String json = reader.await(r -> r.key().equals(Long.toString(id)), 1, Duration.ofSeconds(30)).get(0).value();
            EventSchemaAssert.assertMatchesSchema("UserRegistered", json);
        }

        // no HTTP session: nothing to hold on the server for a stranger's sign-up, and no cookie
        assertThat(response.headers().firstValue("Set-Cookie")).isEmpty();
        HttpResponse<String> page = http.get("/register/check-email");
        assertThat(page.statusCode()).isEqualTo(200);
        assertThat(page.body()).contains("Check your email", "We sent a link to the address you gave")
                .doesNotContain("form@example.com");
        assertThat(page.headers().firstValue("Set-Cookie")).isEmpty();
    }

    @Test
    void invalidInputShowsTheFormAgainWithMessagesAndTheInputKeptEscaped() {
        int users = countUsers();

        HttpResponse<String> page = http.postForm("/register",
                Map.of("name", "<script>alert(1)</script>", "email", "not-an-email"));

        assertThat(page.statusCode()).isEqualTo(400);
        assertThat(page.body()).contains("Please enter an email address like name@example.com.")
                .contains("value=\"&lt;script&gt;alert(1)&lt;/script&gt;\"")
                .contains("value=\"not-an-email\"")
                .doesNotContain("<script>alert(1)</script>");
        assertThat(countUsers()).isEqualTo(users);
    }

    @Test
    void emptyFormShowsBothMessages() {
        HttpResponse<String> page = http.postForm("/register", Map.of("name", " ", "email", ""));

        assertThat(page.statusCode()).isEqualTo(400);
        assertThat(page.body()).contains("Please enter your name.", "Please enter your email address.");
    }

    @Test
    void takenEmailShowsAFormError() {
        assertThat(http.postForm("/register", Map.of("name", "First", "email", "twice@example.com")).statusCode()).isEqualTo(302);
        int users = countUsers();

        HttpResponse<String> page = http.postForm("/register", Map.of("name", "Second", "email", "TWICE@example.com"));

        assertThat(page.statusCode()).isEqualTo(409);
        assertThat(page.body()).contains("already registered").contains("value=\"TWICE@example.com\"");
        assertThat(countUsers()).isEqualTo(users);
    }

    @Test
    void hostileNameIsStoredLiterallyAndShownEscaped() {
        String name = "<img src=x onerror=alert(1)> '; drop table users; --";
        HttpResponse<String> response = http.postForm("/register", Map.of("name", name, "email", "xss@example.com"));
        assertThat(response.statusCode()).isEqualTo(302);

        assertThat(db.queryForObject("SELECT name FROM users WHERE email_key = 'xss@example.com'", String.class)).isEqualTo(name);
        // the form shown again (the address is taken now) carries the name escaped
        String page = http.postForm("/register", Map.of("name", name, "email", "xss@example.com")).body();
        assertThat(page).contains("&lt;img src=x onerror=alert(1)&gt; &#39;; drop table users; --").doesNotContain("<img src=x");
    }

    @Test
    void unknownPagesShowAFriendlyPageWithoutAStackTrace() {
        HttpResponse<String> page = http.send(HttpRequest.newBuilder(http.uri("/no/such/page")).header("Accept", "text/html"));

        assertThat(page.statusCode()).isEqualTo(404);
        assertThat(page.body()).doesNotContain("Exception").doesNotContain("at org.");
    }

    private int countUsers() {
        return db.queryForObject("SELECT COUNT(*) FROM users", Integer.class);
    }
}
