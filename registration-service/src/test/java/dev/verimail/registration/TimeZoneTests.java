package dev.verimail.registration;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.http.HttpResponse;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.TimeZone;

import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.core.env.Environment;

import dev.verimail.events.Topics;
import dev.verimail.testbed.ServiceTest;
import dev.verimail.testbed.TestHttp;
import dev.verimail.testbed.TopicReader;
import tools.jackson.databind.json.JsonMapper;

/**
 * Two instances of registration-service on one database, one whose JVM runs in Asia/Shanghai and one in UTC (the
 * JVM's default zone is switched around each instance's requests, as if they ran on two machines): they agree about
 * the resend cooldown and about the time of an event ({@code occurredAt}, {@code ce_time}).
 */
@ServiceTest(properties = "registration.resend-cooldown=PT4S")
class TimeZoneTests {

    private static final JsonMapper JSON = JsonMapper.builder().build();
    private static final TimeZone SHANGHAI = TimeZone.getTimeZone("Asia/Shanghai");
    private static final TimeZone UTC = TimeZone.getTimeZone("UTC");
    private final TimeZone original = TimeZone.getDefault();

    @LocalServerPort
    int port;

    @Value("${spring.kafka.bootstrap-servers}")
    String bootstrapServers;

    @org.springframework.beans.factory.annotation.Autowired
    Environment environment;

    private ConfigurableApplicationContext second;

    @AfterEach
    void restore() {
        TimeZone.setDefault(original);
        if (second != null) {
            second.close();
        }
    }

    @Test
    void instancesInShanghaiAndUtcAgreeOnTheCooldownAndOnEventTimes() throws Exception {
        // as command-line arguments: they win over application.yml, as the environment of a real instance would
        second = new SpringApplicationBuilder(RegistrationApplication.class).run("--server.port=0", "--management.server.port=0",
                "--spring.datasource.url=" + environment.getProperty("spring.datasource.url"),
                "--spring.datasource.username=" + environment.getProperty("spring.datasource.username"),
                "--spring.datasource.password=" + environment.getProperty("spring.datasource.password"),
                "--spring.kafka.bootstrap-servers=" + bootstrapServers,
                "--spring.kafka.consumer.auto-offset-reset=earliest",
                "--verimail.link-key=" + environment.getProperty("verimail.link-key"),
                "--verimail.secret-keys=" + environment.getProperty("verimail.secret-keys"),
                "--registration.resend-cooldown=PT4S");
        TestHttp shanghai = TestHttp.localhost(port);
        TestHttp utc = TestHttp.localhost(second.getEnvironment().getProperty("local.server.port", Integer.class));
        String resend = "{\"email\":\"zones@example.com\"}";

        TimeZone.setDefault(SHANGHAI);
        Instant before = Instant.now();
        HttpResponse<String> signup = shanghai.postJson("/api/registrations", "{\"name\":\"Z\",\"email\":\"zones@example.com\"}");
        assertThat(signup.statusCode()).isEqualTo(202);
        long id = JSON.readTree(signup.body()).get("id").asLong();
        assertThat(shanghai.postJson("/api/registrations/resend", resend).statusCode()).isEqualTo(202);

        TimeZone.setDefault(UTC);
        HttpResponse<String> tooSoon = utc.postJson("/api/registrations/resend", resend);
        assertThat(tooSoon.statusCode()).as("the UTC instance sees the Shanghai one's request as just now").isEqualTo(429);
        assertThat(Long.parseLong(tooSoon.headers().firstValue("Retry-After").orElseThrow())).isBetween(1L, 4L);
        Thread.sleep(4_500);
        assertThat(utc.postJson("/api/registrations/resend", resend).statusCode()).as("and the cooldown ends on time")
                .isEqualTo(202);
        TimeZone.setDefault(SHANGHAI);
        assertThat(shanghai.postJson("/api/registrations/resend", resend).statusCode()).isEqualTo(429);
        Instant after = Instant.now();

        try (TopicReader reader = TopicReader.fromBeginning(bootstrapServers, Topics.REGISTRATION_EVENTS)) {
            List<ConsumerRecord<String, String>> events = reader.await(r -> r.key().equals(Long.toString(id)), 3,
                    Duration.ofSeconds(30));
            for (ConsumerRecord<String, String> event : events) {
                Instant occurredAt = Instant.parse(JSON.readTree(event.value()).get("occurredAt").asString());
                Instant ceTime = Instant.parse(TopicReader.header(event, "ce_time"));
                assertThat(occurredAt).isBetween(before.minusSeconds(1), after.plusSeconds(1));
                assertThat(ceTime).as("ce_time is the event's time, whichever instance relayed it").isEqualTo(occurredAt);
            }
        }
    }
}
