package dev.verimail.mailer.inbox;

import java.time.Instant;
import java.util.Collection;
import java.util.List;
import java.util.Locale;

import org.springframework.data.domain.Limit;
import org.springframework.data.jpa.repository.JpaRepository;
import org.springframework.data.jpa.repository.Modifying;
import org.springframework.data.jpa.repository.Query;
import org.springframework.data.repository.query.Param;
import org.springframework.transaction.annotation.Transactional;

/** The {@code inbox_message} table. Each method is one short transaction of its own. */
interface InboxMessages extends JpaRepository<InboxEmail, Long> {

    int LIMIT = 100;

    List<InboxEmail> findByOrderByCreatedAtDescIdDesc(Limit limit);

    List<InboxEmail> findByRecipientKeyOrderByCreatedAtDescIdDesc(String recipientKey, Limit limit);

    /** Newest first, at most 100; all recipients when {@code to} is blank. */
    default List<InboxMessage> latest(String to) {
        List<InboxEmail> emails = to == null || to.isBlank() ? findByOrderByCreatedAtDescIdDesc(Limit.of(LIMIT))
                : findByRecipientKeyOrderByCreatedAtDescIdDesc(to.trim().toLowerCase(Locale.ROOT), Limit.of(LIMIT));
        return emails.stream().map(InboxEmail::view).toList();
    }

    @Query("select m.id from InboxEmail m where m.createdAt < :before")
    List<Long> createdBefore(@Param("before") Instant before, Limit limit);

    @Transactional
    @Modifying
    @Query("delete from InboxEmail m where m.id in :ids and m.createdAt < :before")
    int deleteCreatedBefore(@Param("ids") Collection<Long> ids, @Param("before") Instant before);
}
