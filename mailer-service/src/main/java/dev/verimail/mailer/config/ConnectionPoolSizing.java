package dev.verimail.mailer.config;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.config.BeanPostProcessor;
import org.springframework.boot.context.properties.bind.Binder;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.env.Environment;

import com.zaxxer.hikari.HikariDataSource;

/**
 * Fits the connection pool to the send concurrency, before the pool opens its first connection.
 * <p>
 * A send attempt holds a connection only for its short conditional statements (the claim or {@code hold} before the
 * call to SendCloud, the outcome after it: two transactions of a few milliseconds against a call of 100-300 ms),
 * never across the call, so one connection serves several senders. The pool needs one connection per listener
 * thread (recording a batch), one for the re-drive, one for the operator API and the sweeps, and one for every
 * {@value #SENDS_PER_CONNECTION} send slots: {@code listeners + 2 + ceil(mailer.send.concurrency / 8)}, 37 with the
 * defaults (3 listener threads, 256 sends). Without {@code spring.datasource.hikari.maximum-pool-size} the pool
 * gets exactly that; a configured size below it stops the start-up with a message saying so, because too small a
 * pool turns a burst of replies into connection timeouts and deliveries sent again after their lease.
 */
@Configuration(proxyBeanMethods = false)
class ConnectionPoolSizing {

    static final int SENDS_PER_CONNECTION = 8;
    private static final Logger log = LoggerFactory.getLogger(ConnectionPoolSizing.class);

    @Bean
    static BeanPostProcessor mailerConnectionPoolSizing(Environment environment) {
        return new BeanPostProcessor() {

            @Override
            public Object postProcessAfterInitialization(Object bean, String beanName) {
                if (bean instanceof HikariDataSource pool) {
                    fit(pool, Binder.get(environment));
                }
                return bean;
            }
        };
    }

    static int required(int sendConcurrency, int listenerThreads) {
        return listenerThreads + 2 + (sendConcurrency + SENDS_PER_CONNECTION - 1) / SENDS_PER_CONNECTION;
    }

    private static void fit(HikariDataSource pool, Binder binder) {
        int sends = binder.bind("mailer.send.concurrency", Integer.class).orElse(256);
        int listeners = binder.bind("spring.kafka.listener.concurrency", Integer.class).orElse(1);
        int required = required(sends, listeners);
        Integer configured = binder.bind("spring.datasource.hikari.maximum-pool-size", Integer.class).orElse(null);
        if (configured == null) {
            pool.setMaximumPoolSize(required);
            log.info("Database pool: up to {} connections ({} listener threads + 2 + {} send slots / {})", required,
                    listeners, sends, SENDS_PER_CONNECTION);
        }
        else if (configured < required) {
            throw new IllegalStateException("spring.datasource.hikari.maximum-pool-size (SPRING_DATASOURCE_HIKARI_"
                    + "MAXIMUM_POOL_SIZE) is " + configured + ", too small for mailer.send.concurrency=" + sends
                    + " and spring.kafka.listener.concurrency=" + listeners + ": it needs at least " + required
                    + " (listener threads + 2 + one per " + SENDS_PER_CONNECTION + " send slots). Raise it, lower "
                    + "MAILER_SEND_CONCURRENCY, or unset it to get " + required + ".");
        }
    }
}
