package dev.verimail.mailer.config;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;

import com.zaxxer.hikari.HikariDataSource;

/** The pool fits the send concurrency: computed when unset, refused at start-up when configured too small. */
class ConnectionPoolSizingTests {

    private final ApplicationContextRunner runner = new ApplicationContextRunner()
            .withUserConfiguration(ConnectionPoolSizing.class);
    private final ApplicationContextRunner context = runner
            .withBean("dataSource", HikariDataSource.class, HikariDataSource::new);

    @Test
    void anUnsetPoolSizeIsComputedFromTheSendConcurrencyAndTheListenerThreads() {
        context.withPropertyValues("mailer.send.concurrency=256", "spring.kafka.listener.concurrency=3")
                .run(ctx -> assertThat(ctx.getBean(HikariDataSource.class).getMaximumPoolSize()).isEqualTo(37));
        context.withPropertyValues("mailer.send.concurrency=16")
                .run(ctx -> assertThat(ctx.getBean(HikariDataSource.class).getMaximumPoolSize()).isEqualTo(5));
    }

    @Test
    void aConfiguredPoolThatFitsIsKept() {
        // as Boot binds spring.datasource.hikari.* onto its pool
        runner.withBean("dataSource", HikariDataSource.class, () -> {
            HikariDataSource pool = new HikariDataSource();
            pool.setMaximumPoolSize(8);
            return pool;
        }).withPropertyValues("mailer.send.concurrency=16", "spring.kafka.listener.concurrency=3",
                "spring.datasource.hikari.maximum-pool-size=8")
                .run(ctx -> assertThat(ctx.getBean(HikariDataSource.class).getMaximumPoolSize()).isEqualTo(8));
    }

    @Test
    void aConfiguredPoolTooSmallForTheSendConcurrencyStopsTheStartUpAndSaysWhy() {
        context.withPropertyValues("mailer.send.concurrency=256", "spring.kafka.listener.concurrency=3",
                "spring.datasource.hikari.maximum-pool-size=20").run(ctx -> {
                    assertThat(ctx).hasFailed();
                    assertThat(ctx.getStartupFailure()).rootCause().isInstanceOf(IllegalStateException.class)
                            .hasMessageContaining("maximum-pool-size").hasMessageContaining("is 20")
                            .hasMessageContaining("at least 37");
                });
    }
}
