package dev.verimail.faults;

/**
 * What came out of one scenario.
 *
 * @param requests               sign-up requests sent
 * @param accepted               of which answered 202
 * @param otherAnswers           the other answers by status (0 = no answer)
 * @param sendCloudCalls         calls SendCloud received for the scenario's addresses, failed ones included
 * @param emailsSent             successful calls: emails SendCloud sent
 * @param minEmails              fewest emails one accepted sign-up got
 * @param maxEmails              most emails one accepted sign-up got
 * @param duplicates             emails beyond the first, over all addresses
 * @param emailsToUnaccepted     emails to addresses whose sign-up was not answered 202
 * @param deliveriesFailed       the mailer's deliveries FAILED for the scenario's addresses
 * @param confirms               links confirmed
 * @param verifiedUsers          users VERIFIED in registration's database
 * @param emailVerifiedEvents    distinct {@code EmailVerified} events (by eventId) for the scenario's users
 * @param emailVerifiedRecords   records of them on the topic (at-least-once delivery may repeat one)
 * @param usersWithSeveralEvents users with more than one distinct {@code EmailVerified}
 * @param deadLettered           records of the scenario's users on {@code registration-events.DLT} and
 *                               {@code verification-events.DLT}: every record of a scenario is readable, so any is a
 *                               record the consumer policy gave up on
 */
record Tally(int requests, int accepted, String otherAnswers, int sendCloudCalls, int emailsSent, int minEmails,
        int maxEmails, int duplicates, int emailsToUnaccepted, long deliveriesFailed, int confirms, long verifiedUsers,
        int emailVerifiedEvents, int emailVerifiedRecords, long usersWithSeveralEvents, int deadLettered) {
}
