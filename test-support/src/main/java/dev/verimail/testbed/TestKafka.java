package dev.verimail.testbed;

import org.springframework.kafka.test.EmbeddedKafkaKraftBroker;
import org.testcontainers.kafka.KafkaContainer;

/**
 * Kafka brokers for tests: Testcontainers' {@code apache/kafka} with Docker, else a real KRaft broker (combined
 * controller and broker) started in-process. Each test context gets a broker of its own, so topics, consumer
 * groups and offsets never leak from one test class into the next.
 */
public final class TestKafka {

    private TestKafka() {
    }

    /** A running broker; {@link Broker#stop()} stops it. */
    public interface Broker {

        String bootstrapServers();

        void stop();
    }

    public static Broker start() {
        if (Docker.available()) {
            KafkaContainer kafka = new KafkaContainer("apache/kafka:4.1.1");
            kafka.start();
            return new Broker() {
                public String bootstrapServers() {
                    return kafka.getBootstrapServers();
                }

                public void stop() {
                    kafka.stop();
                }
            };
        }
        EmbeddedKafkaKraftBroker broker = startBroker(0);
        return new Broker() {
            public String bootstrapServers() {
                return broker.getBrokersAsString();
            }

            public void stop() {
                broker.destroy();
            }
        };
    }

    private static EmbeddedKafkaKraftBroker startBroker(int port) {
        EmbeddedKafkaKraftBroker broker = new EmbeddedKafkaKraftBroker(1, 6);
        broker.brokerProperty("auto.create.topics.enable", "true");
        broker.brokerProperty("num.partitions", "6");
        broker.brokerProperty("group.initial.rebalance.delay.ms", "0");
        broker.afterPropertiesSet();
        return broker;
    }
}
