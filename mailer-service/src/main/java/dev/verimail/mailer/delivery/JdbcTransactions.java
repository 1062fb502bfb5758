package dev.verimail.mailer.delivery;

import javax.sql.DataSource;

import org.springframework.jdbc.support.JdbcTransactionManager;
import org.springframework.transaction.TransactionDefinition;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * Transactions of the JDBC hot paths. JDBC on purpose: a plain JDBC transaction manager over the service's pool, not
 * the JPA one, which opens a Hibernate session for every transaction (two or three per email on the send path, see
 * BENCHMARKS.md). Both work on the same pool; no transaction mixes the two.
 */
final class JdbcTransactions {

    private JdbcTransactions() {
    }

    static TransactionTemplate readCommitted(DataSource dataSource) {
        JdbcTransactionManager manager = new JdbcTransactionManager(dataSource);
        manager.afterPropertiesSet();
        TransactionTemplate template = new TransactionTemplate(manager);
        template.setIsolationLevel(TransactionDefinition.ISOLATION_READ_COMMITTED);
        return template;
    }
}
