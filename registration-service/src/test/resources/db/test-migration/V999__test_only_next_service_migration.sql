-- Test only: stands for the next migration of the service, to prove it passes validation after the outbox's own.
CREATE TABLE test_next_migration (
    id BIGINT NOT NULL,
    PRIMARY KEY (id)
);
