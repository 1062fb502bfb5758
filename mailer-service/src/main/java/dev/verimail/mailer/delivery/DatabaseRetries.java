package dev.verimail.mailer.delivery;

import java.time.Duration;
import java.util.List;

import org.springframework.dao.DataAccessResourceFailureException;
import org.springframework.dao.TransientDataAccessException;
import org.springframework.retry.support.RetryTemplate;
import org.springframework.transaction.CannotCreateTransactionException;

/** Rides out a short database outage (a failover, a full pool) around a send: five tries within about six seconds. */
final class DatabaseRetries {

    private DatabaseRetries() {
    }

    static RetryTemplate create() {
        return RetryTemplate.builder().maxAttempts(5)
                .exponentialBackoff(Duration.ofMillis(200), 2, Duration.ofSeconds(3), true)
                .retryOn(List.of(TransientDataAccessException.class, DataAccessResourceFailureException.class,
                        CannotCreateTransactionException.class))
                .traversingCauses().build();
    }
}
