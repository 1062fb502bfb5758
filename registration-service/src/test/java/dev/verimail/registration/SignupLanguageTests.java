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
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * The pages in English and Simplified Chinese: {@code Accept-Language} chooses, {@code lang} overrides, a form keeps
 * its language across its POST (the hidden {@code lang} field), and the sign-up's language is stored with the user
 * and carried by its events.
 */
@ServiceTest
class SignupLanguageTests {

    private static final JsonMapper JSON = JsonMapper.builder().build();

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
    void acceptLanguageChineseGivesTheChineseFormWithItsLanguageTag() {
        for (String header : new String[] { "zh-CN,zh;q=0.9,en;q=0.8", "zh", "zh-Hans", "fr;q=0.9,zh-CN;q=0.5" }) {
            HttpResponse<String> page = get("/register", header);

            assertThat(page.statusCode()).isEqualTo(200);
            assertThat(page.body()).as(header).contains("<html lang=\"zh-CN\"", "创建账号", "姓名", "邮箱", ">注册</button>",
                    "name=\"lang\" value=\"zh-CN\"").doesNotContain("Create your account");
        }
        HttpResponse<String> english = get("/register", "de-DE,de;q=0.9");
        assertThat(english.body()).contains("<html lang=\"en\"", "Create your account", "name=\"lang\" value=\"en\"")
                .doesNotContain("创建账号");
    }

    @Test
    void theLangParameterOverridesAcceptLanguage() {
        assertThat(get("/register?lang=en", "zh-CN").body()).contains("<html lang=\"en\"", "Create your account");
        for (String lang : new String[] { "zh-CN", "zh", "zh_CN", "ZH-cn" }) {
            assertThat(get("/register?lang=" + lang, "en").body()).as(lang).contains("<html lang=\"zh-CN\"", "创建账号");
        }
        assertThat(get("/register/check-email?lang=zh-CN", null).body()).contains("<html lang=\"zh-CN\"", "请查收邮件",
                "我们已向您填写的邮箱发送了一封邮件");
        assertThat(get("/register/resend?lang=zh-CN", null).body()).contains("<html lang=\"zh-CN\"", "获取新链接",
                "重新发送验证邮件");
        HttpResponse<String> missing = send(HttpRequest.newBuilder(http.uri("/no/such/page?lang=zh-CN"))
                .header("Accept", "text/html"));
        assertThat(missing.statusCode()).isEqualTo(404);
        assertThat(missing.body()).contains("<html lang=\"zh-CN\"", "页面不存在").doesNotContain("Exception");
    }

    @Test
    void aFormErrorKeepsTheLanguageOfTheForm() {
        // the hidden field says zh-CN; the browser says nothing
        HttpResponse<String> empty = http.postForm("/register", Map.of("name", " ", "email", "", "lang", "zh-CN"));
        assertThat(empty.statusCode()).isEqualTo(400);
        assertThat(empty.body()).contains("<html lang=\"zh-CN\"", "请输入您的姓名。", "请输入您的邮箱地址。",
                "name=\"lang\" value=\"zh-CN\"").doesNotContain("Please enter");

        HttpResponse<String> invalid = post("/register", Map.of("name", "李雷", "email", "not-an-email"), "zh-CN");
        assertThat(invalid.statusCode()).isEqualTo(400);
        assertThat(invalid.body()).contains("请输入有效的邮箱地址", "value=\"李雷\"", "value=\"not-an-email\"");

        assertThat(http.postForm("/register", Map.of("name", "First", "email", "taken-zh@example.com")).statusCode())
                .isEqualTo(302);
        HttpResponse<String> taken = http.postForm("/register",
                Map.of("name", "Second", "email", "taken-zh@example.com", "lang", "zh-CN"));
        assertThat(taken.statusCode()).isEqualTo(409);
        assertThat(taken.body()).contains("这个邮箱已经注册过了");

        // the English form stays English whatever the browser prefers
        HttpResponse<String> english = post("/register", Map.of("name", " ", "email", "", "lang", "en"), "zh-CN");
        assertThat(english.body()).contains("<html lang=\"en\"", "Please enter your name.");

        HttpResponse<String> resend = http.postForm("/register/resend", Map.of("email", "nobody-zh@example.com",
                "lang", "zh-CN"));
        assertThat(resend.statusCode()).isEqualTo(200);
        assertThat(resend.body()).contains("<html lang=\"zh-CN\"", "之前的链接已失效", "nobody-zh@example.com");
    }

    @Test
    void aChineseSignupIsStoredWithItsLocaleAndItsEventsCarryIt() throws Exception {
        HttpResponse<String> response = post("/register", Map.of("name", "韩梅梅", "email", "meimei@example.com"),
                "zh-CN,zh;q=0.9");
        assertThat(response.statusCode()).isEqualTo(302);
        assertThat(response.headers().firstValue("Location").orElseThrow()).endsWith("/register/check-email?lang=zh-CN");
        assertThat(db.queryForObject("SELECT locale FROM users WHERE email_key = 'meimei@example.com'", String.class))
                .isEqualTo("zh-CN");

        // the JSON API: Accept-Language (or ?lang=) chooses too
        HttpResponse<String> api = send(HttpRequest.newBuilder(http.uri("/api/registrations?lang=zh"))
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString("{\"name\":\"Li Lei\",\"email\":\"lilei@example.com\"}")));
        assertThat(api.statusCode()).isEqualTo(202);
        HttpResponse<String> englishApi = http.postJson("/api/registrations",
                "{\"name\":\"Ann\",\"email\":\"ann-en@example.com\"}");
        assertThat(englishApi.statusCode()).isEqualTo(202);
        assertThat(db.queryForObject("SELECT locale FROM users WHERE email_key = 'lilei@example.com'", String.class))
                .isEqualTo("zh-CN");
        assertThat(db.queryForObject("SELECT locale FROM users WHERE email_key = 'ann-en@example.com'", String.class))
                .isEqualTo("en");

        Long id = db.queryForObject("SELECT id FROM users WHERE email_key = 'meimei@example.com'", Long.class);
        // a resend (in English, from another browser) keeps the language of the sign-up
        assertThat(http.postForm("/register/resend", Map.of("email", "meimei@example.com", "lang", "en")).statusCode())
                .isEqualTo(200);
        try (TopicReader reader = TopicReader.fromBeginning(bootstrapServers, Topics.REGISTRATION_EVENTS)) {
            var records = reader.await(r -> r.key().equals(Long.toString(id)), 2, Duration.ofSeconds(30));
            for (var record : records) {
                JsonNode event = JSON.readTree(record.value());
                assertThat(event.path("locale").asString()).as(event.path("type").asString()).isEqualTo("zh-CN");
            }
            assertThat(records).extracting(r -> JSON.readTree(r.value()).path("type").asString())
                    .containsExactlyInAnyOrder("UserRegistered", "VerificationReissued");
            EventSchemaAssert.assertMatchesSchema("UserRegistered", records.stream()
                    .filter(r -> r.value().contains("\"UserRegistered\"")).findFirst().orElseThrow().value());
        }
    }

    private HttpResponse<String> get(String path, String acceptLanguage) {
        HttpRequest.Builder request = HttpRequest.newBuilder(http.uri(path)).GET();
        if (acceptLanguage != null) {
            request.header("Accept-Language", acceptLanguage);
        }
        return send(request);
    }

    private HttpResponse<String> post(String path, Map<String, String> fields, String acceptLanguage) {
        return send(HttpRequest.newBuilder(http.uri(path)).header("Content-Type", "application/x-www-form-urlencoded")
                .header("Accept-Language", acceptLanguage)
                .POST(HttpRequest.BodyPublishers.ofString(TestHttp.form(fields))));
    }

    private HttpResponse<String> send(HttpRequest.Builder request) {
        return http.send(request);
    }
}
