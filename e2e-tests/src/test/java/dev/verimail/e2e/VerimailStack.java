package dev.verimail.e2e;

import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import dev.verimail.localstack.ServiceProcess;
import dev.verimail.localkafka.KafkaAccess;
import dev.verimail.localkafka.LocalKafka;
import dev.verimail.testbed.SecuredKafkaTestBed;
import dev.verimail.testbed.TopicReader;
import dev.verimail.testbed.DatabaseCoordinates;
import dev.verimail.testbed.TestDatabases;
import dev.verimail.testbed.TestKafka;

/**
 * The whole system for one test class: a fresh database per service on the test server, a Kafka broker with
 * SASL/SCRAM and ACLs (each service logs in as its own principal), and the
 * three services as separate JVMs started from their built jars (run {@code ./mvnw verify}, which packages them
 * before this module's tests run).
 */
final class VerimailStack implements AutoCloseable {

    final TestKafka.Broker kafka;
    final ServiceProcess registration;
    final ServiceProcess verification;
    final ServiceProcess mailer;
    /** Each service's database, by service name. */
    final Map<String, DatabaseCoordinates> databases;

    private VerimailStack(TestKafka.Broker kafka, ServiceProcess registration, ServiceProcess verification,
            ServiceProcess mailer, Map<String, DatabaseCoordinates> databases) {
        this.kafka = kafka;
        this.databases = Map.copyOf(databases);
        this.registration = registration;
        this.verification = verification;
        this.mailer = mailer;
    }

    /**
     * Starts everything; {@code mailerEnvironment} chooses the mail transport ({@code MAILER_TRANSPORT=inbox}, or
     * {@code sendcloud} with the SendCloud settings: without them the mailer refuses to start).
     */
    static VerimailStack start(String name, Map<String, String> mailerEnvironment) {
        return start(name, mailerEnvironment, Map.of());
    }

    /** As {@link #start(String, Map)}, with registration-service's environment added to (or overriding) the stack's. */
    static VerimailStack start(String name, Map<String, String> mailerEnvironment,
            Map<String, String> registrationEnvironment) {
        return start(name, mailerEnvironment, registrationEnvironment, Map.of());
    }

    /** As {@link #start(String, Map, Map)}, with {@code everyService} added to the environment of all three. */
    static VerimailStack start(String name, Map<String, String> mailerEnvironment,
            Map<String, String> registrationEnvironment, Map<String, String> everyService) {
        Path repository = Path.of(System.getProperty("verimail.repository", "..")).toAbsolutePath().normalize();
        Path logs = repository.resolve("e2e-tests").resolve("target").resolve("stack-logs").resolve(name);
        TestKafka.Broker kafka = securedBroker();
        int registrationPort = freePort();
        int verificationPort = freePort();
        int mailerPort = freePort();

        Map<String, String> common = new HashMap<>(Map.of("SPRING_KAFKA_BOOTSTRAP_SERVERS", kafka.bootstrapServers(),
                "VERIMAIL_OUTBOX_POLL_INTERVAL", "200ms"));
        common.putAll(everyService);
        Map<String, DatabaseCoordinates> databases = new HashMap<>();
        // a resend is allowed a second after the last link rather than a minute (NoSecretInClearTests resends)
        Map<String, String> registrationEnv = new HashMap<>(Map.of("REGISTRATION_RESEND_COOLDOWN", "PT1S"));
        registrationEnv.putAll(registrationEnvironment);
        ServiceProcess registration = service(repository, logs, "registration-service", registrationPort, common,
                registrationEnv, databases);
        ServiceProcess verification = service(repository, logs, "verification-service", verificationPort, common,
                Map.of("VERIFICATION_REGISTRATION_BASE_URL", "http://localhost:" + registrationPort), databases);
        Map<String, String> mailerEnv = new HashMap<>(mailerEnvironment);
        mailerEnv.put("MAILER_VERIFICATION_URL", "http://localhost:" + verificationPort + "/verify");
        ServiceProcess mailer = service(repository, logs, "mailer-service", mailerPort, common, mailerEnv, databases);

        VerimailStack stack = new VerimailStack(kafka, registration, verification, mailer, databases);
        try {
            for (ServiceProcess service : List.of(registration, verification, mailer)) {
                service.start();
            }
            for (ServiceProcess service : List.of(registration, verification, mailer)) {
                service.awaitReady(Duration.ofMinutes(3));
            }
            return stack;
        }
        catch (RuntimeException e) {
            stack.close();
            throw e;
        }
    }

    private static ServiceProcess service(Path repository, Path logs, String name, int port, Map<String, String> common,
            Map<String, String> extra, Map<String, DatabaseCoordinates> databases) {
        DatabaseCoordinates db = TestDatabases.server().create("e2e_" + name.replace("-service", ""));
        databases.put(name, db);
        Map<String, String> env = new HashMap<>(common);
        env.put("SPRING_DATASOURCE_URL", db.url());
        env.put("SPRING_DATASOURCE_USERNAME", db.username());
        env.put("SPRING_DATASOURCE_PASSWORD", db.password());
        env.putAll(extra);
        String principal = name.replace("-service", "");
        env.put("VERIMAIL_KAFKA_USERNAME", principal);
        env.put("VERIMAIL_KAFKA_PASSWORD", SecuredKafkaTestBed.PASSWORDS.get(principal));
        return new ServiceProcess(name, port, ServiceProcess.jarOf(repository, name), logs.resolve(name + ".log"),
                List.of("-Xms64m", "-Xmx384m", "-XX:+UseSerialGC", "-XX:TieredStopAtLevel=1"), env);
    }

    /**
     * The broker as docker compose runs it: SASL/SCRAM clients and ACLs ({@link KafkaAccess#verimail()}), each
     * service logging in as its own principal ({@link SecuredKafkaTestBed#PASSWORDS}, test-only passwords).
     */
    private static TestKafka.Broker securedBroker() {
        Path dir;
        try {
            dir = java.nio.file.Files.createTempDirectory("verimail-e2e-kafka");
        }
        catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
        LocalKafka broker = LocalKafka.secured(dir, freePort(), freePort(), 6, SecuredKafkaTestBed.ADMIN_PASSWORD)
                .start();
        broker.grant(KafkaAccess.verimail(), SecuredKafkaTestBed.PASSWORDS);
        SecuredKafkaTestBed.createTopics(SecuredKafkaTestBed.clientProperties(broker.bootstrapServers(), KafkaAccess.ADMIN));
        return new TestKafka.Broker() {
            public String bootstrapServers() {
                return broker.bootstrapServers();
            }

            public void stop() {
                broker.stop();
                org.springframework.util.FileSystemUtils.deleteRecursively(dir.toFile());
            }
        };
    }

    /** Client properties of the secured broker for {@code user} ({@link KafkaAccess#ADMIN} reads anything). */
    Map<String, Object> client(String user) {
        return SecuredKafkaTestBed.clientProperties(kafka.bootstrapServers(), user);
    }

    /** A reader of {@code topic} from its beginning, logged in as the super user. */
    TopicReader reader(String topic) {
        return TopicReader.fromBeginning(client(KafkaAccess.ADMIN), topic);
    }

    private static int freePort() {
        return dev.verimail.localkafka.LocalKafka.freePort();
    }

    @Override
    public void close() {
        List.of(registration, verification, mailer).parallelStream().forEach(ServiceProcess::stop);
        kafka.stop();
    }
}
