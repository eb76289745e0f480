package org.affectgate.agent.faults;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.affectgate.device.mqtt.testing.MosquittoServer;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Broker flaps: real Mosquitto (persistence on) is stopped and started every few seconds while
 * twelve wearables publish twice a second at QoS 1 through it to the shipped agent.
 *
 * <p><b>Acknowledged.</b> A frame the broker PUBACKed to the load generator (which republishes a
 * frame until it is acknowledged, see {@link WearableLoad}). Every acknowledged frame must reach
 * the agent exactly once as an accepted sample ({@code affectgate.ingest.accepted}); redeliveries
 * are allowed only as counted {@code DUPLICATE} rejections; none may be {@code SEQ_BACKWARDS}.
 *
 * <p>The agent's threads ({@code /proc/PID/status}) and open file descriptors ({@code
 * /proc/PID/fd}) are sampled after each reconnection: after the first two flaps (warm-up) they must
 * stay flat. Recovery is broker start to {@code /status} reporting the MQTT connection up and
 * subscribed. CI: 8 flaps; long run: 60.
 */
@Tag(FaultProfile.TAG)
class BrokerFlapTest {
  private static final int WARM_UP_FLAPS = 2;

  /** Growth tolerated after the warm-up; a leak of one per flap exceeds it within the CI size. */
  private static final int THREAD_SLACK = 2;

  /**
   * Vert.x starts worker threads on demand up to its pool size ({@code
   * VertxOptions.DEFAULT_WORKER_POOL_SIZE}, which the agent keeps), so their number may rise during
   * the run without leaking: it is checked against that bound, the other threads against the
   * baseline.
   */
  private static final int VERTX_WORKER_POOL = 20;

  private static final int FD_SLACK = 3;

  @TempDir Path dir;

  @Test
  void brokerStoppedAndStartedRepeatedly_noAcknowledgedFrameLost_threadsAndFdsFlat()
      throws Exception {
    FaultProfile profile = FaultProfile.current();
    long seed = Long.getLong("affectgate.faults.seed", System.nanoTime());
    Random random = new Random(seed);
    List<String> problems = new ArrayList<>();
    List<Duration> recoveries = new ArrayList<>();
    List<int[]> samples = new ArrayList<>();
    java.util.SortedMap<String, Integer> namesAtBaseline = new java.util.TreeMap<>();

    try (MosquittoServer broker = Brokers.persistent()) {
      AgentYaml yaml = AgentYaml.of(dir.resolve("data"), broker.uri());
      Path config = yaml.write(dir.resolve("agent.yaml"));
      try (AgentProcess agent =
              new AgentProcess(config, FaultTable.logDir("flaps"), yaml.httpPort());
          WearableLoad load =
              new WearableLoad(
                  broker.uri(), AgentYaml.SITE, WearableLoad.devices("flap", 12), 500)) {
        agent.start("flaps");
        agent.awaitConnected(Duration.ofSeconds(60));
        load.start();
        for (int flap = 1; flap <= profile.brokerFlaps(); flap++) {
          Thread.sleep(1000 + random.nextInt(1000));
          broker.stop();
          Thread.sleep(500 + random.nextInt(1000));
          long started = System.nanoTime();
          broker.start();
          if (!Waits.until(
              "agent reconnected after flap",
              Duration.ofSeconds(90),
              Duration.ofMillis(50),
              agent::connected)) {
            throw new AssertionError(
                "agent not reconnected within 90 s of the broker's start after flap "
                    + flap
                    + " (seed "
                    + seed
                    + ")"
                    + agent.threadDump("mqtt")
                    + agent.logTail());
          }
          if (flap == 1) {}
          recoveries.add(Duration.ofNanos(System.nanoTime() - started));
          samples.add(new int[] {agent.threads() - workers(agent), agent.fds(), workers(agent)});
          if (samples.size() == WARM_UP_FLAPS) {
            namesAtBaseline = agent.threadNames();
          }
        }
        Thread.sleep(1000);
        load.stop();
        long acked = load.acked();
        Waits.until(
            "every acknowledged frame accepted",
            Duration.ofSeconds(60),
            Duration.ofMillis(200),
            () -> accepted(agent.status()) >= acked);
        JsonNode status = agent.status();
        long accepted = accepted(status);
        long duplicates = rejected(status, "DUPLICATE");
        long backwards = rejected(status, "SEQ_BACKWARDS");
        int[] baseline = samples.get(Math.min(WARM_UP_FLAPS, samples.size()) - 1);
        int[] last = {agent.threads() - workers(agent), agent.fds(), workers(agent)};
        int maxThreads = baseline[0];
        int maxFds = baseline[1];
        int maxWorkers = last[2];
        for (int i = WARM_UP_FLAPS; i < samples.size(); i++) {
          maxThreads = Math.max(maxThreads, samples.get(i)[0]);
          maxFds = Math.max(maxFds, samples.get(i)[1]);
          maxWorkers = Math.max(maxWorkers, samples.get(i)[2]);
        }
        long lost = Math.max(0, acked - accepted);
        if (lost > 0) {
          problems.add(lost + " acknowledged frames never accepted");
        }
        if (accepted > acked) {
          problems.add((accepted - acked) + " more frames accepted than acknowledged");
        }
        if (backwards > 0) {
          problems.add(backwards + " redelivered frames rejected as SEQ_BACKWARDS");
        }
        if (maxThreads > baseline[0] + THREAD_SLACK || last[0] > baseline[0] + THREAD_SLACK) {
          problems.add(
              "threads (Vert.x workers aside) grew: "
                  + baseline[0]
                  + " -> max "
                  + maxThreads
                  + ", end "
                  + last[0]
                  + "; by name "
                  + namesAtBaseline
                  + " -> "
                  + agent.threadNames());
        }
        if (maxWorkers > VERTX_WORKER_POOL) {
          problems.add(
              "Vert.x worker threads " + maxWorkers + " exceed the pool's " + VERTX_WORKER_POOL);
        }
        if (maxFds > baseline[1] + FD_SLACK || last[1] > baseline[1] + FD_SLACK) {
          problems.add("fds grew: " + baseline[1] + " -> max " + maxFds + ", end " + last[1]);
        }
        if (!agent.alive()) {
          problems.add("agent died" + agent.logTail());
        }
        FaultTable.add(
            new FaultTable.Row(
                "broker flaps (Mosquitto stop/start)",
                profile.brokerFlaps(),
                lost,
                Math.max(0, accepted - acked),
                recoveries,
                problems.isEmpty(),
                acked
                    + " frames acknowledged, "
                    + accepted
                    + " accepted, "
                    + duplicates
                    + " redeliveries counted as DUPLICATE, "
                    + load.republished()
                    + " republished; threads besides Vert.x workers "
                    + baseline[0]
                    + " -> "
                    + last[0]
                    + ", Vert.x workers "
                    + baseline[2]
                    + " -> "
                    + last[2]
                    + " (pool of "
                    + VERTX_WORKER_POOL
                    + "), fds "
                    + baseline[1]
                    + " -> "
                    + last[1]
                    + " (after warm-up -> end); recovery = broker start to MQTT connected and subscribed"
                    + (problems.isEmpty() ? "" : "; " + problems.get(0))));
      }
    }
    assertThat(problems).as("broker-flap problems").isEmpty();
  }

  private static long accepted(JsonNode status) {
    return AgentProcess.meterSum(status, "affectgate.ingest.accepted,format=json")
        + AgentProcess.meterSum(status, "affectgate.ingest.accepted,format=ble");
  }

  private static long rejected(JsonNode status, String reason) {
    return AgentProcess.meter(status, "affectgate.ingest.rejected,format=json,reason=" + reason)
        + AgentProcess.meter(status, "affectgate.ingest.rejected,format=ble,reason=" + reason);
  }

  private static int workers(AgentProcess agent) {
    return agent.threadNames().getOrDefault("vert.x-worker-t", 0);
  }
}
