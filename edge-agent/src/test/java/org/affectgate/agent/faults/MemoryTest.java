package org.affectgate.agent.faults;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.affectgate.device.mqtt.testing.MosquittoServer;
import org.eclipse.paho.client.mqttv3.MqttException;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Memory: the shipped agent at the shipped heap ({@code -Xmx128m}) gets a flood of 10 000 malformed
 * messages at QoS 1 (every one must be counted as a rejection, exactly) and then one 100 MB publish
 * on a wearable topic (issue 17 #1: it must never reach the heap). After each, a valid sample must
 * still be accepted, the process must be alive and connected, and its log must show no {@code
 * OutOfMemoryError}. Recovery is the big publish's acknowledgement to the next valid sample's
 * acceptance. RSS is reported, not asserted.
 */
@Tag(FaultProfile.TAG)
class MemoryTest {
  private static final int BIG_PAYLOAD_BYTES = 100 * 1024 * 1024;

  @TempDir Path dir;

  @Test
  void floodAndHundredMegabytePublish_atShippedHeap_ingestionContinues() throws Exception {
    FaultProfile profile = FaultProfile.current();
    List<String> problems = new ArrayList<>();
    List<Duration> recoveries = new ArrayList<>();
    long floodRejected = 0;
    long rssStart = 0;
    long rssAfterFlood = 0;
    long rssEnd = 0;
    String bigPublish = "not attempted";
    try (MosquittoServer broker = Brokers.persistent()) {
      AgentYaml yaml = AgentYaml.of(dir.resolve("data"), broker.uri());
      Path config = yaml.write(dir.resolve("agent.yaml"));
      try (AgentProcess agent =
              new AgentProcess(config, FaultTable.logDir("memory"), yaml.httpPort());
          MqttPublisher mqtt = new MqttPublisher(broker.uri(), 1000)) {
        agent.start("memory");
        agent.awaitConnected(Duration.ofSeconds(60));
        HostileInputsTest.Sentinels sentinels = new HostileInputsTest.Sentinels(mqtt);
        rssStart = agent.rssKb();

        long rejectedBefore = rejected(agent);
        String floodTopic = AgentYaml.PREFIX + "/" + AgentYaml.SITE + "/wearable/flood-1/hr";
        for (int i = 0; i < profile.floodMessages(); i++) {
          mqtt.publishAsync(floodTopic, ("{\"seq\":" + i + ",\"ts\":").getBytes(), 1);
        }
        mqtt.awaitInflight();
        long expected = rejectedBefore + profile.floodMessages();
        Waits.until(
            "flood counted",
            Duration.ofSeconds(120),
            Duration.ofMillis(200),
            () -> rejected(agent) >= expected);
        floodRejected = rejected(agent) - rejectedBefore;
        if (floodRejected != profile.floodMessages()) {
          problems.add(
              profile.floodMessages()
                  + " malformed messages, "
                  + floodRejected
                  + " rejections counted");
        }
        rssAfterFlood = agent.rssKb();
        recoveries.add(acceptNext(agent, sentinels, problems, "after the flood"));

        String bigTopic = AgentYaml.PREFIX + "/" + AgentYaml.SITE + "/wearable/big-1/hr";
        try (MqttPublisher big = new MqttPublisher(broker.uri(), 10)) {
          big.publish(bigTopic, new byte[BIG_PAYLOAD_BYTES], 1, false);
          bigPublish = "acknowledged by the broker";
        } catch (MqttException e) {
          bigPublish = "refused by the broker (" + e.getMessage() + ")";
        }
        recoveries.add(acceptNext(agent, sentinels, problems, "after the 100 MB publish"));
        if (!agent.alive()) {
          problems.add("agent died" + agent.logTail());
        } else {
          rssEnd = agent.rssKb();
          if (!agent.connected()) {
            problems.add("agent not connected at the end");
          }
        }
        long ooms = agent.logText().lines().filter(l -> l.contains("OutOfMemoryError")).count();
        if (ooms > 0) {
          problems.add("[#1] " + ooms + " log lines with OutOfMemoryError");
        }
      }
    }
    FaultTable.add(
        new FaultTable.Row(
            "memory at -Xmx128m: flood + 100 MB publish",
            profile.floodMessages() + 1,
            problems.stream().filter(p -> p.startsWith("no valid sample")).count(),
            0,
            recoveries,
            problems.isEmpty(),
            floodRejected
                + " of "
                + profile.floodMessages()
                + " malformed counted; 100 MB publish "
                + bigPublish
                + "; RSS "
                + rssStart / 1024
                + " -> "
                + rssAfterFlood / 1024
                + " -> "
                + rssEnd / 1024
                + " MB; recovery = next valid sample accepted"
                + (problems.isEmpty() ? "" : "; " + problems.get(0))));
    assertThat(problems).as("memory problems").isEmpty();
  }

  /** Publishes valid JSON samples until one is accepted (up to 60 s); returns the time taken. */
  private static Duration acceptNext(
      AgentProcess agent, HostileInputsTest.Sentinels sentinels, List<String> problems, String when)
      throws Exception {
    long start = System.nanoTime();
    long before = accepted(agent);
    sentinels.publish("json");
    boolean ok =
        Waits.until(
            "valid sample accepted " + when,
            Duration.ofSeconds(60),
            Duration.ofMillis(50),
            () -> before >= 0 && accepted(agent) > before);
    if (!ok) {
      problems.add("no valid sample accepted " + when + " (60 s)");
    }
    return Duration.ofNanos(System.nanoTime() - start);
  }

  /** Accepted JSON samples, or -1 when the agent does not answer. */
  private static long accepted(AgentProcess agent) {
    return agent
        .tryStatus()
        .map(s -> AgentProcess.meter(s, "affectgate.ingest.accepted,format=json"))
        .orElse(-1L);
  }

  private static long rejected(AgentProcess agent) {
    return AgentProcess.meterSum(agent.status(), "affectgate.ingest.rejected,format=json,");
  }
}
