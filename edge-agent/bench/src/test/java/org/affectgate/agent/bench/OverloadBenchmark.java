package org.affectgate.agent.bench;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.affectgate.agent.cli.AffectgateCli;
import org.affectgate.agent.config.AgentConfig;
import org.affectgate.agent.config.AgentConfigLoader;
import org.affectgate.agent.consent.ConsentStore;
import org.affectgate.device.mqtt.testing.MosquittoServer;
import org.affectgate.device.wearable.BleHrEncoder;
import org.affectgate.device.wearable.Contact;
import org.affectgate.device.wearable.HrSample;
import org.affectgate.device.wearable.JsonHrEncoder;
import org.affectgate.device.wearable.PayloadFormat;
import org.affectgate.device.wearable.WearableTopics;
import org.eclipse.paho.client.mqttv3.MqttAsyncClient;
import org.eclipse.paho.client.mqttv3.MqttConnectOptions;
import org.eclipse.paho.client.mqttv3.MqttException;
import org.eclipse.paho.client.mqttv3.persist.MemoryPersistence;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.condition.EnabledIfSystemProperty;

/**
 * Wearable overload, measured on the agent as shipped: {@code affectgate run} in its own JVM at the
 * systemd unit's heap ({@code -Xmx128m}), a real Mosquitto, 200 consented wearables publishing at
 * QoS 1 (half JSON, half BLE, one RR interval per frame, stamped at publish) at 1×, 10× and 50× the
 * realistic rate of one frame per wearable per second. The publisher runs in this JVM.
 *
 * <p>Per load it prints: frames published and received, what became of them (the agent's {@code
 * affectgate.wearable.samples{outcome}} and {@code affectgate.wearable.shed{reason}}), the agent's
 * ingest latency p50/p99 (capture timestamp to HRV window update, {@code affectgate.ingest.latency}
 * percentiles, ms resolution), the agent process's CPU (share of one core over the run) and its
 * peak and final RSS. It asserts only that the counters add up; it never asserts a time.
 *
 * <pre>
 * mvn -o -B -q -pl edge-agent/bench -am test -Dtest=OverloadBenchmark \
 *   -Dsurefire.failIfNoSpecifiedTests=false -Dbench.overload=true \
 *   [-Dbench.seconds=60] [-Dbench.loads=1,10,50] [-Dbench.devices=200]
 * cat edge-agent/bench/target/surefire-reports/org.affectgate.agent.bench.OverloadBenchmark-output.txt
 * </pre>
 */
@EnabledIfSystemProperty(named = "bench.overload", matches = "true")
@Timeout(value = 30, unit = TimeUnit.MINUTES) // not a timed test: the runs take minutes
class OverloadBenchmark {
  private static final int DEVICES = Integer.getInteger("bench.devices", 200);
  private static final int SECONDS = Integer.getInteger("bench.seconds", 60);
  private static final String SITE = "bench";
  private final HttpClient http = HttpClient.newHttpClient();
  private final List<String> identities = new ArrayList<>();
  private boolean addsUp = true;

  @Test
  void overload_1x_10x_50x_printsLatencyCpuRss() throws Exception {
    System.out.printf(
        Locale.ROOT,
        "cores=%d java=%s devices=%d seconds=%d agent heap -Xmx128m%n",
        Runtime.getRuntime().availableProcessors(),
        Runtime.version(),
        DEVICES,
        SECONDS);
    List<String> rows = new ArrayList<>();
    for (String load : System.getProperty("bench.loads", "1,10,50").split(",")) {
      int factor = Integer.parseInt(load.trim());
      rows.add(run(factor));
      System.out.println(rows.get(rows.size() - 1));
    }
    System.out.println();
    System.out.println(
        "load | msg/s offered | msg/s published | received | used | late | no_consent | shed"
            + " (reasons) | ingest latency p50 / p99 ms | hand-off wait p50 / p99 ms | agent CPU %"
            + " of a core | RSS peak / end MB");
    rows.forEach(System.out::println);
    assertThat(addsUp).as("every accepted sample has one outcome: %s", identities).isTrue();
  }

  private String run(int factor) throws Exception {
    Path dir = Files.createTempDirectory("affectgate-overload");
    try (MosquittoServer broker = new MosquittoServer().start()) {
      int port = freePort();
      Path configFile = writeConfig(dir, broker.uri(), port);
      AgentConfig config = AgentConfigLoader.load(configFile);
      try (ConsentStore store = ConsentStore.open(config.consent())) {
        for (int i = 0; i < DEVICES; i++) {
          store.grant("p" + i, "w" + i, SITE, "prog-" + (i % 10), Instant.now());
        }
      }
      Process agent = startAgent(configFile, dir);
      try {
        awaitConnected(port, agent);
        long pid = agent.pid();
        MqttAsyncClient pub =
            new MqttAsyncClient(
                broker.uri(), "overload-pub-" + System.nanoTime(), new MemoryPersistence());
        MqttConnectOptions o = new MqttConnectOptions();
        o.setMqttVersion(MqttConnectOptions.MQTT_VERSION_3_1_1);
        o.setMaxInflight(1_000); // a deeper client queue would add its own delay to the latency
        pub.connect(o).waitForCompletion();

        WearableTopics topics = new WearableTopics("affectgate/v1");
        JsonHrEncoder json = new JsonHrEncoder();
        BleHrEncoder ble = new BleHrEncoder();
        long[] seq = new long[DEVICES];
        long perSecond = (long) DEVICES * factor;
        int slices = 50; // every 20 ms
        long cpu0 = cpuTicks(pid);
        long t0 = System.nanoTime();
        long published = 0;
        long rssPeakKb = 0;
        long nextRssCheck = t0;
        int next = 0;
        for (long slice = 0; slice < (long) SECONDS * slices; slice++) {
          long quota = (slice + 1) * perSecond / slices - slice * perSecond / slices;
          for (long k = 0; k < quota; k++) {
            int i = next;
            next = (next + 1) % DEVICES;
            HrSample s =
                new HrSample(
                    SITE,
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
                pub.publish(topics.topic(SITE, s.deviceId(), f), payload, 1, false);
                break;
              } catch (MqttException e) {
                Thread.sleep(1); // publisher's in-flight window full
              }
            }
            published++;
          }
          if (System.nanoTime() >= nextRssCheck) {
            rssPeakKb = Math.max(rssPeakKb, rssKb(pid));
            nextRssCheck += TimeUnit.SECONDS.toNanos(1);
          }
          long due = t0 + (slice + 1) * TimeUnit.SECONDS.toNanos(1) / slices;
          long wait = due - System.nanoTime();
          if (wait > 0) {
            TimeUnit.NANOSECONDS.sleep(wait);
          }
        }
        double pubSeconds = (System.nanoTime() - t0) / 1e9;
        // Quiescent: everything published was received (or nothing moved for 5 s: the broker
        // dropped what it could not queue), and nothing waits in the agent's hand-off.
        Map<String, Double> m = meters(port);
        double lastReceived = -1;
        long lastChange = System.nanoTime();
        while (System.nanoTime() - lastChange < TimeUnit.SECONDS.toNanos(5)) {
          m = meters(port);
          double received = received(m);
          if (received != lastReceived) {
            lastReceived = received;
            lastChange = System.nanoTime();
          }
          if (received >= published && get(m, "affectgate.wearable.queued") == 0) {
            break;
          }
          rssPeakKb = Math.max(rssPeakKb, rssKb(pid));
          Thread.sleep(100);
        }
        double seconds = (System.nanoTime() - t0) / 1e9;
        double cpuSeconds = (cpuTicks(pid) - cpu0) / 100.0; // USER_HZ
        long rssEndKb = rssKb(pid);
        rssPeakKb = Math.max(rssPeakKb, rssEndKb);
        pub.disconnect().waitForCompletion();
        pub.close();

        double accepted = sum(m, "affectgate.ingest.accepted,format=json", "format=ble");
        double used = get(m, "affectgate.wearable.samples,outcome=used");
        double late = get(m, "affectgate.wearable.samples,outcome=late");
        double noConsent = get(m, "affectgate.wearable.samples,outcome=no_consent");
        double shed = get(m, "affectgate.wearable.samples,outcome=shed");
        StringBuilder reasons = new StringBuilder();
        m.forEach(
            (k, v) -> {
              if (k.startsWith("affectgate.wearable.shed,reason=") && v > 0) {
                reasons
                    .append(reasons.length() == 0 ? "" : ", ")
                    .append(k.substring(k.indexOf('=') + 1))
                    .append(' ')
                    .append(v.longValue());
              }
            });
        double hrvLate = get(m, "affectgate.hrv.late");
        System.out.printf(
            Locale.ROOT,
            "%2dx: published %d in %.1f s, received %.0f (accepted %.0f, rejected %.0f); used %.0f,"
                + " late %.0f (hrv.late %.0f), no_consent %.0f, shed %.0f [%s]; adds up: %s%n",
            factor,
            published,
            pubSeconds,
            received(m),
            accepted,
            received(m) - accepted,
            used,
            late,
            hrvLate,
            noConsent,
            shed,
            reasons,
            accepted == used + late + noConsent + shed);
        identities.add(
            String.format(
                Locale.ROOT,
                "%dx: accepted %.0f, used + late + no_consent + shed %.0f",
                factor,
                accepted,
                used + late + noConsent + shed));
        addsUp &= accepted == used + late + noConsent + shed;
        return String.format(
            Locale.ROOT,
            "%3dx | %6d | %6.0f | %7.0f | %7.0f | %6.0f | %4.0f | %5.0f (%s) | %.1f / %.1f |"
                + " %.2f / %.2f | %.1f | %.0f / %.0f",
            factor,
            perSecond,
            published / pubSeconds,
            received(m),
            used,
            late,
            noConsent,
            shed,
            reasons,
            1000 * get(m, "affectgate.ingest.latency.percentile,phi=0.5"),
            1000 * get(m, "affectgate.ingest.latency.percentile,phi=0.99"),
            1000 * get(m, "affectgate.wearable.handoff.wait.percentile,phi=0.5"),
            1000 * get(m, "affectgate.wearable.handoff.wait.percentile,phi=0.99"),
            100 * cpuSeconds / seconds,
            rssPeakKb / 1024.0,
            rssEndKb / 1024.0);
      } finally {
        agent.destroy();
        if (!agent.waitFor(15, TimeUnit.SECONDS)) {
          agent.destroyForcibly().waitFor();
        }
      }
    }
  }

  private static double received(Map<String, Double> m) {
    double total = 0;
    for (Map.Entry<String, Double> e : m.entrySet()) {
      String k = e.getKey();
      if ((k.startsWith("affectgate.ingest.accepted,")
              || k.startsWith("affectgate.ingest.rejected,"))
          && (k.endsWith("format=json") || k.endsWith("format=ble"))) {
        total += e.getValue();
      }
    }
    return total;
  }

  private static double sum(Map<String, Double> m, String first, String otherTag) {
    return get(m, first) + get(m, first.substring(0, first.indexOf(',') + 1) + otherTag);
  }

  private static double get(Map<String, Double> m, String key) {
    return m.getOrDefault(key, 0.0);
  }

  private Map<String, Double> meters(int port) throws Exception {
    HttpResponse<String> r =
        http.send(
            HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/status")).build(),
            HttpResponse.BodyHandlers.ofString());
    JsonObject meters = new JsonObject(r.body()).getJsonObject("meters");
    Map<String, Double> out = new LinkedHashMap<>();
    meters.forEach(e -> out.put(e.getKey(), ((Number) e.getValue()).doubleValue()));
    addQuantiles(port, out);
    return out;
  }

  /**
   * Adds the percentiles of the agent's two latency timers, in seconds, under the keys a {@code
   * SimpleMeterRegistry} would give them ({@code affectgate.ingest.latency.percentile,phi=0.5}).
   * {@code /status} lists counters and gauges only, and the agent's Prometheus registry publishes a
   * timer's percentiles as {@code quantile} series on {@code /metrics}, not as gauges: read from
   * {@code /status} alone they were missing and printed as 0.
   */
  private void addQuantiles(int port, Map<String, Double> out) throws Exception {
    String body =
        http.send(
                HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/metrics")).build(),
                HttpResponse.BodyHandlers.ofString())
            .body();
    for (String line : body.split("\n")) {
      for (String timer :
          List.of("affectgate.ingest.latency", "affectgate.wearable.handoff.wait")) {
        int q = line.indexOf("quantile=\"");
        if (line.startsWith(timer.replace('.', '_') + "_seconds{") && q >= 0) {
          String phi = line.substring(q + 10, line.indexOf('"', q + 10));
          double seconds = Double.parseDouble(line.substring(line.lastIndexOf(' ') + 1));
          out.put(timer + ".percentile,phi=" + phi, seconds);
        }
      }
    }
  }

  private void awaitConnected(int port, Process agent) throws Exception {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
    while (System.nanoTime() < deadline) {
      if (!agent.isAlive()) {
        throw new IllegalStateException("agent exited with " + agent.exitValue());
      }
      try {
        HttpResponse<String> r =
            http.send(
                HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/status")).build(),
                HttpResponse.BodyHandlers.ofString());
        if (new JsonObject(r.body()).getJsonObject("mqtt").getBoolean("connected")) {
          return;
        }
      } catch (IOException e) {
        // not listening yet
      }
      Thread.sleep(200);
    }
    throw new IllegalStateException("agent did not connect to the broker within 60 s");
  }

  private static Process startAgent(Path configFile, Path dir) throws IOException {
    String java = ProcessHandle.current().info().command().orElse("java");
    List<String> command = new ArrayList<>(List.of(java, "-Xmx128m"));
    String extra = System.getProperty("bench.agentJvmArgs", "").trim(); // e.g. a JFR recording
    if (!extra.isEmpty()) {
      command.addAll(List.of(extra.split("\\s+")));
    }
    command.addAll(
        List.of(
            "-cp",
            System.getProperty("java.class.path"),
            AffectgateCli.class.getName(),
            "run",
            "--config",
            configFile.toString()));
    return new ProcessBuilder(command)
        .redirectErrorStream(true)
        .redirectOutput(dir.resolve("agent.log").toFile())
        .start();
  }

  private static Path writeConfig(Path dir, String mqttUri, int httpPort) throws IOException {
    Map<String, Object> root = new LinkedHashMap<>();
    root.put("site", SITE);
    root.put("dataDir", dir.resolve("data").toString());
    root.put("mqtt", Map.of("uri", mqttUri, "clientId", "overload-agent-" + System.nanoTime()));
    root.put("http", Map.of("port", httpPort));
    Path file = dir.resolve("agent.yaml");
    new ObjectMapper(new YAMLFactory()).writeValue(file.toFile(), root);
    return file;
  }

  /** utime + stime of a process, in clock ticks. */
  private static long cpuTicks(long pid) throws IOException {
    String stat = Files.readString(Path.of("/proc/" + pid + "/stat"));
    String[] f = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
    return Long.parseLong(f[11]) + Long.parseLong(f[12]);
  }

  private static long rssKb(long pid) throws IOException {
    for (String line : Files.readAllLines(Path.of("/proc/" + pid + "/status"))) {
      if (line.startsWith("VmRSS:")) {
        return Long.parseLong(line.replaceAll("[^0-9]", ""));
      }
    }
    return 0;
  }

  private static int freePort() throws IOException {
    try (ServerSocket s = new ServerSocket(0)) {
      return s.getLocalPort();
    }
  }
}
