package dev.verimail.registration;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.http.HttpResponse;

import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.core.io.ClassPathResource;
import org.springframework.jdbc.core.JdbcTemplate;

import dev.verimail.testbed.ServiceTest;
import dev.verimail.testbed.TestHttp;

/**
 * A sign-up whose transaction fails after the user row was inserted leaves nothing behind. The failure is real:
 * the outbox table is gone, so the insert of the event fails after the insert of the user.
 */
@ServiceTest(properties = "verimail.outbox.enabled=false")
class SignupTransactionTests {

    @LocalServerPort
    int port;

    @Autowired
    JdbcTemplate db;

    @Test
    void aFailureAfterTheUserInsertLeavesNeitherUserNorEvent() throws Exception {
        TestHttp http = TestHttp.localhost(port);
        db.execute("RENAME TABLE outbox_event TO outbox_event_away");
        try {
            HttpResponse<String> response = http.postJson("/api/registrations",
                    "{\"name\":\"Half\",\"email\":\"half@example.com\"}");

            assertThat(response.statusCode()).isEqualTo(500);
            assertThat(response.headers().firstValue("Content-Type")).hasValue("application/problem+json");
            assertThat(response.body()).contains("internal-error").doesNotContain("SQL").doesNotContain("outbox_event");
        }
        finally {
            db.execute("RENAME TABLE outbox_event_away TO outbox_event");
        }
        assertThat(db.queryForObject("SELECT COUNT(*) FROM users", Integer.class)).isZero();
        assertThat(db.queryForObject("SELECT COUNT(*) FROM outbox_event", Integer.class)).isZero();

        assertThat(http.postJson("/api/registrations", "{\"name\":\"Half\",\"email\":\"half@example.com\"}").statusCode())
                .as("the address was not taken by the failed attempt").isEqualTo(202);
        assertThat(db.queryForObject("SELECT COUNT(*) FROM users", Integer.class)).isOne();
        assertThat(db.queryForObject("SELECT COUNT(*) FROM outbox_event", Integer.class)).isOne();
        assertThat(new ClassPathResource("db/verimail-outbox/V1__create_outbox_event.sql").exists()).isTrue();
    }
}
