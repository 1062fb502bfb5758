/**
 * The transactional outbox every publishing service uses. {@link dev.verimail.outbox.OutboxWriter} stores an event
 * in the {@code outbox_event} table inside the caller's transaction, so the business change and the event commit or
 * roll back together; {@link dev.verimail.outbox.OutboxRelay} publishes committed rows to Kafka, with CloudEvents
 * headers, and deletes them once the broker acknowledged them.
 * <p>
 * Guarantees: at least once (a crash between the broker's ack and the delete republishes the row; consumers
 * deduplicate by {@code eventId}); in order per key within one relay; relays of several instances claim disjoint
 * rows with {@code SELECT ... FOR UPDATE SKIP LOCKED}. While Kafka is down rows accumulate and the relay retries
 * with backoff; nothing on the request path waits for the broker, and an outage never gives a row up. A row whose
 * record the broker refuses for a reason of its own ({@code verimail.outbox.max-attempts} times) moves to
 * {@code outbox_dead} so the rows behind it go on; {@link dev.verimail.outbox.OutboxDeadRows} puts it back.
 * <p>
 * The schema ships here as {@code classpath:db/verimail-outbox} and is migrated by the outbox itself, with its own
 * Flyway history {@code flyway_outbox_history} (see {@code OutboxSchema}); a service does not list it in
 * {@code spring.flyway.locations}.
 */
package dev.verimail.outbox;
