package org.affectgate.agent.bench;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.micrometer.core.instrument.Timer;
import io.micrometer.core.instrument.distribution.ValueAtPercentile;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.affectgate.agent.config.AgentConfig;
import org.affectgate.agent.config.AgentConfigLoader;
import org.affectgate.agent.consent.ConsentStore;
import org.affectgate.agent.pipeline.Agent;
import org.affectgate.device.mqtt.testing.MosquittoServer;
import org.affectgate.device.wearable.BleHrEncoder;
import org.affectgate.device.wearable.Contact;
import org.affectgate.device.wearable.HrSample;
import org.affectgate.device.wearable.JsonHrEncoder;
import org.affectgate.device.wearable.PayloadFormat;
import org.affectgate.device.wearable.WearableTopics;
import org.eclipse.paho.client.mqttv3.MqttAsyncClient;
import org.eclipse.paho.client.mqttv3.MqttConnectOptions;
import org.eclipse.paho.client.mqttv3.persist.MemoryPersistence;

/**
 * Wearable ingestion through a real Mosquitto into the real agent: messages per second from MQTT to
 * the HRV window update, and the latency from a frame's capture timestamp (set at publish) to its
 * window update (the agent's {@code affectgate.ingest.latency} timer; millisecond resolution, as
 * the wire timestamp is in ms).
 *
 * <pre>
 * deploy/dev/bench.sh ingest [-Dbench.seconds=60] 50 5000
 * </pre>
 *
 * Arguments: wearable counts (each run publishes every wearable at 1 Hz for 60 s, half JSON, half
 * BLE, each frame with one RR interval), then a saturation run that publishes as fast as the broker
 * takes it. Broker, publisher and agent share the machine's cores.
 */
public final class IngestBenchmark {
  private static final int SECONDS = Integer.getInteger("bench.seconds", 60);

  public static void main(String[] args) throws Exception {
    List<Integer> counts = new ArrayList<>();
    for (String a : args) {
      counts.add(Integer.parseInt(a));
    }
    if (counts.isEmpty()) {
      counts = List.of(50, 5000);
    }
    System.out.printf(
        Locale.ROOT,
        "cores=%d java=%s%n",
        Runtime.getRuntime().availableProcessors(),
        Runtime.version());
    for (int n : counts) {
      run(n, false);
    }
    run(counts.get(counts.size() - 1), true);
    System.exit(0);
  }

  private static void run(int wearables, boolean saturate) throws Exception {
    Path dir = Files.createTempDirectory("affectgate-bench");
    try (MosquittoServer broker = new MosquittoServer().start()) {
      AgentConfig config = config(dir, broker.uri());
      try (ConsentStore store = ConsentStore.open(config.consent())) {
        for (int i = 0; i < wearables; i++) {
          store.grant("p" + i, "w" + i, "bench", "prog-" + (i % 10), Instant.now());
        }
      }
      SimpleMeterRegistry registry = new SimpleMeterRegistry();
      try (Agent agent = Agent.start(config, Agent.Options.defaults().withRegistry(registry))) {
        while (!agent.mqttConnected()) {
          Thread.sleep(50);
        }
        MqttAsyncClient pub =
            new MqttAsyncClient(
                broker.uri(), "bench-pub-" + System.nanoTime(), new MemoryPersistence());
        MqttConnectOptions o = new MqttConnectOptions();
        o.setMqttVersion(MqttConnectOptions.MQTT_VERSION_3_1_1);
        o.setMaxInflight(65_000);
        pub.connect(o).waitForCompletion();

        WearableTopics topics = new WearableTopics("affectgate/v1");
        JsonHrEncoder json = new JsonHrEncoder();
        BleHrEncoder ble = new BleHrEncoder();
        long[] seq = new long[wearables];
        long cpu0 = cpuNanos();
        long t0 = System.nanoTime();
        long published = 0;
        long end = t0 + TimeUnit.SECONDS.toNanos(SECONDS);
        int slice = 20; // publish every 1/20 s, spreading each wearable's 1 Hz evenly
        int next = 0;
        long sliceNo = 0;
        while (System.nanoTime() < end) {
          long perSlice =
              saturate ? 1000 : (sliceNo + 1) * wearables / slice - sliceNo * wearables / slice;
          for (int k = 0; k < perSlice; k++) {
            int i = next;
            next = (next + 1) % wearables;
            HrSample s =
                new HrSample(
                    "bench",
                    "w" + i,
                    ++seq[i],
                    System.currentTimeMillis(),
                    72,
                    List.of(833.0),
                    Contact.DETECTED,
                    null);
            PayloadFormat f = (i % 2 == 0) ? PayloadFormat.JSON : PayloadFormat.BLE;
            byte[] payload = f == PayloadFormat.JSON ? json.encode(s) : ble.encode(s);
            while (true) {
              try {
                pub.publish(topics.topic("bench", s.deviceId(), f), payload, 1, false);
                break;
              } catch (org.eclipse.paho.client.mqttv3.MqttException e) {
                Thread.sleep(1); // in-flight window full: wait for PUBACKs
              }
            }
            published++;
          }
          if (!saturate) {
            sliceNo++;
            long due = t0 + sliceNo * TimeUnit.SECONDS.toNanos(1) / slice;
            long wait = due - System.nanoTime();
            if (wait > 0) {
              TimeUnit.NANOSECONDS.sleep(wait);
            }
          }
        }
        double pubSeconds = (System.nanoTime() - t0) / 1e9;
        // Wait until every frame is processed, or until nothing moved for 3 s (the broker drops
        // QoS 1 messages beyond its per-client queue when flooded; those never arrive).
        long lastChange = System.nanoTime();
        double lastCount = -1;
        while (accepted(registry) < published
            && System.nanoTime() - lastChange < TimeUnit.SECONDS.toNanos(3)) {
          double c = accepted(registry);
          if (c != lastCount) {
            lastCount = c;
            lastChange = System.nanoTime();
          }
          Thread.sleep(20);
        }
        double seconds = (accepted(registry) < published ? lastChange : System.nanoTime()) - t0;
        seconds /= 1e9;
        double cpu = (cpuNanos() - cpu0) / 1e9;
        Timer latency = registry.get("affectgate.ingest.latency").timer();
        double p50 = 0;
        double p99 = 0;
        for (ValueAtPercentile v : latency.takeSnapshot().percentileValues()) {
          if (v.percentile() == 0.5) {
            p50 = v.value(TimeUnit.MILLISECONDS);
          } else if (v.percentile() == 0.99) {
            p99 = v.value(TimeUnit.MILLISECONDS);
          }
        }
        if (saturate) {
          System.out.printf(
              Locale.ROOT,
              "saturate   published=%d as fast as the broker took them in %.1f s; the agent updated"
                  + " windows for %d in %.1f s: %.0f msg/s sustained%n",
              published,
              pubSeconds,
              latency.count(),
              seconds,
              latency.count() / seconds);
          pub.disconnect().waitForCompletion();
          pub.close();
          return;
        }
        System.out.printf(
            Locale.ROOT,
            "%-10s wearables=%5d published=%8d updated=%8d in %.1f s (publishing %.1f s): %.0f msg/s;"
                + " latency p50=%.1f ms p99=%.1f ms max=%.1f ms; agent+publisher JVM cpu %.0f%% of one core%n",
            saturate ? "saturate" : "1 Hz",
            wearables,
            published,
            latency.count(),
            seconds,
            pubSeconds,
            latency.count() / seconds,
            p50,
            p99,
            latency.max(TimeUnit.MILLISECONDS),
            100 * cpu / seconds);
        pub.disconnect().waitForCompletion();
        pub.close();
      }
    }
  }

  private static double accepted(SimpleMeterRegistry registry) {
    return registry.get("affectgate.ingest.latency").timer().count();
  }

  private static long cpuNanos() {
    return ((com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean())
        .getProcessCpuTime();
  }

  private static AgentConfig config(Path dir, String mqttUri) throws Exception {
    Map<String, Object> root = new LinkedHashMap<>();
    root.put("site", "bench");
    root.put("dataDir", dir.toString());
    root.put("mqtt", Map.of("uri", mqttUri, "clientId", "bench-agent-" + System.nanoTime()));
    root.put("http", Map.of("port", 0));
    return AgentConfigLoader.fromTree(new ObjectMapper().valueToTree(root));
  }
}
