package dev.verimail.verification;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Map;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.jdbc.core.JdbcTemplate;

import dev.verimail.events.registration.UserRegistered;
import dev.verimail.testbed.ServiceTest;
import dev.verimail.testbed.TestHttp;

/**
 * The link's pages speak the language of the sign-up, carried by the event and kept with the challenge, unless the
 * request names another with {@code lang}; a link that reveals nothing follows {@code Accept-Language}.
 */
@ServiceTest(properties = "verification.registration-base-url=https://signup.example.com/")
class VerifyPageLanguageTests {

    @LocalServerPort
    int port;

    @Autowired
    JdbcTemplate jdbc;

    @Value("${spring.kafka.bootstrap-servers}")
    String bootstrapServers;

    TestHttp http;
    TestEvents events;
    TestDb db;

    @BeforeEach
    void setUp() {
        http = TestHttp.localhost(port);
        events = new TestEvents(bootstrapServers);
        db = new TestDb(jdbc);
    }

    @AfterEach
    void tearDown() {
        events.close();
    }

    @Test
    void aChineseSignupsLinkIsChineseWithoutAcceptLanguageAndSoIsTheResult() {
        UserRegistered event = published("韩梅梅", "meimei@example.com", "zh-CN", 1);
        assertThat(jdbc.queryForObject("SELECT locale FROM challenge WHERE token = ?", String.class, event.token()))
                .isEqualTo("zh-CN");

        HttpResponse<String> page = http.get(link(event));
        assertThat(page.statusCode()).isEqualTo(200);
        assertThat(page.body()).contains("<html lang=\"zh-CN\"", "验证您的邮箱", "确认我的邮箱", "韩梅梅",
                "meimei@example.com", "name=\"lang\" value=\"zh-CN\"").doesNotContain("Confirm my email");

        HttpResponse<String> confirmed = http.postForm("/verify", Map.of("token", event.token(), "authcode",
                event.authcode()));
        assertThat(confirmed.statusCode()).isEqualTo(200);
        assertThat(confirmed.body()).contains("<html lang=\"zh-CN\"", "您的邮箱已确认", "已验证成功");

        HttpResponse<String> again = get(link(event), "en-US,en;q=0.9");
        assertThat(again.body()).as("the challenge's language beats Accept-Language")
                .contains("<html lang=\"zh-CN\"", "您的邮箱已经验证过了");
    }

    @Test
    void langOverridesTheChallengesLanguageAndTheConfirmFormKeepsIt() {
        UserRegistered event = published("Li Lei", "lilei@example.com", "zh-CN", 1);

        HttpResponse<String> page = http.get(link(event) + "&lang=en");
        assertThat(page.body()).contains("<html lang=\"en\"", "Confirm my email", "name=\"lang\" value=\"en\"");

        HttpResponse<String> confirmed = http.postForm("/verify", Map.of("token", event.token(), "authcode",
                event.authcode(), "lang", "en"));
        assertThat(confirmed.body()).contains("<html lang=\"en\"", "Your email is confirmed");

        UserRegistered english = published("Ann", "ann@example.com", "en", 1);
        assertThat(get(link(english), "zh-CN").body()).as("an English sign-up's link stays English")
                .contains("<html lang=\"en\"", "Confirm my email");
        assertThat(http.get(link(english) + "&lang=zh").body()).contains("<html lang=\"zh-CN\"", "确认我的邮箱");
    }

    @Test
    void aLinkWithoutALanguageOrThatRevealsNothingFollowsAcceptLanguage() {
        UserRegistered old = published("Old", "old@example.com", null, 1);
        assertThat(get(link(old), "zh-CN,zh;q=0.9").body()).contains("<html lang=\"zh-CN\"", "确认我的邮箱");
        assertThat(http.get(link(old)).body()).contains("<html lang=\"en\"", "Confirm my email");

        UserRegistered chinese = published("韩梅梅", "wrong@example.com", "zh-CN", 1);
        HttpResponse<String> wrong = get("/verify?token=" + chinese.token() + "&authcode=" + TestEvents.secret(32),
                "en");
        assertThat(wrong.statusCode()).isEqualTo(404);
        assertThat(wrong.body()).as("a wrong authcode learns nothing, not even the language")
                .contains("<html lang=\"en\"", "This link is not valid");
        HttpResponse<String> unknown = get("/verify?token=nope&authcode=nope", "zh-CN");
        assertThat(unknown.statusCode()).isEqualTo(404);
        assertThat(unknown.body()).contains("<html lang=\"zh-CN\"", "链接无效", "https://signup.example.com/register?lang=zh-CN");
        HttpResponse<String> incomplete = get("/verify?token=abc", "zh");
        assertThat(incomplete.body()).contains("<html lang=\"zh-CN\"", "链接不完整");
        HttpResponse<String> missing = http.send(HttpRequest.newBuilder(http.uri("/no/such/page"))
                .header("Accept", "text/html").header("Accept-Language", "zh-CN"));
        assertThat(missing.statusCode()).isEqualTo(404);
        assertThat(missing.body()).contains("<html lang=\"zh-CN\"", "页面不存在");
    }

    @Test
    void anExpiredChineseLinkOffersTheResendInChinese() {
        Instant now = TestEvents.now();
        UserRegistered event = TestEvents.registered(TestEvents.newUserId(), "迟到", "late-zh@example.com",
                now.minus(2, ChronoUnit.DAYS), now.minus(1, ChronoUnit.DAYS)).withLocale("zh-CN");
        events.publish(event);
        db.awaitChallenge(event.token());

        HttpResponse<String> page = http.get(link(event));
        assertThat(page.statusCode()).isEqualTo(410);
        assertThat(page.body()).contains("<html lang=\"zh-CN\"", "链接已失效", "重新发送验证邮件",
                "action=\"https://signup.example.com/register/resend\"", "name=\"lang\" value=\"zh-CN\"");
    }

    private UserRegistered published(String name, String email, String locale, int hours) {
        Instant now = TestEvents.now();
        UserRegistered event = TestEvents.registered(TestEvents.newUserId(), name, email, now,
                now.plus(hours, ChronoUnit.HOURS)).withLocale(locale);
        events.publish(event);
        db.awaitChallenge(event.token());
        return event;
    }

    private HttpResponse<String> get(String path, String acceptLanguage) {
        return http.send(HttpRequest.newBuilder(http.uri(path)).header("Accept-Language", acceptLanguage).GET());
    }

    private static String link(UserRegistered event) {
        return "/verify?token=" + event.token() + "&authcode=" + event.authcode();
    }
}
