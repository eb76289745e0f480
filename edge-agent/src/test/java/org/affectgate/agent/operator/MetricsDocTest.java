package org.affectgate.agent.operator;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.Tag;
import io.micrometer.core.instrument.TimeGauge;
import io.micrometer.core.instrument.Timer;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code edge-agent/docs/metrics.md} cannot drift from the code: every meter a running agent
 * registers has a row with the same type and tag keys, and every {@code "affectgate.x.y"} name in
 * the main sources of the agent's modules (meters of paths that are off in the test included) has a
 * row, unless it is one of the few such strings that are not meters ({@link #NOT_METERS}).
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class MetricsDocTest {
  static final Path DOC = Path.of("docs", "metrics.md");

  /** {@code affectgate.*} strings in main sources that are system properties, not meters. */
  static final Set<String> NOT_METERS = Set.of("affectgate.turbojpeg.jar");

  /** Main sources of the modules whose meters the agent registers (paths from edge-agent/). */
  static final List<Path> SOURCES =
      List.of(
          Path.of("src/main/java"),
          Path.of("features/src/main/java"),
          Path.of("common/src/main/java"),
          Path.of("../device-drivers/src/main/java"),
          Path.of("../cloud-sync/src/main/java"),
          Path.of("../models/src/main/java"));

  private static final Pattern ROW =
      Pattern.compile("^\\| `(affectgate\\.[a-z0-9_.]+)` \\|\\s*(\\w+)\\s*\\|[^|]*\\|([^|]*)\\|");
  private static final Pattern NAME_LITERAL =
      Pattern.compile("\"(affectgate\\.[a-z0-9_]+(?:\\.[a-z0-9_]+)+)\"");

  private OperatorAgent agent;

  /**
   * The agent with every model-based path on (stress, voice, camera; GPIO needs a board or the mock
   * plugin, and its meters are covered by {@link #everyMeterNameInTheSources_hasARow}), after one
   * round of wearable data and a kiosk session.
   */
  @BeforeAll
  void startAgent(@TempDir Path dir) throws Exception {
    agent = new OperatorAgent(dir, OperatorAgent.allPaths());
    agent.grantKioskSession();
    agent.publishRound();
    await()
        .atMost(Duration.ofSeconds(10))
        .until(() -> agent.count("affectgate.wearable.received") >= 6);
  }

  @AfterAll
  void stopAgent() {
    if (agent != null) {
      agent.close();
    }
  }

  /** A documented meter: its type ({@code counter}, {@code gauge}, {@code timer}) and tag keys. */
  record Row(String type, Set<String> tags) {}

  @Test
  void everyMeterOfARunningAgent_isDocumentedWithItsTypeAndTags() throws Exception {
    Map<String, Row> doc = documented();
    Map<String, Row> registered = new TreeMap<>();
    for (Meter m : agent.registry().getMeters()) {
      String name = m.getId().getName();
      if (name.startsWith("affectgate.")) {
        Set<String> tags =
            m.getId().getTags().stream()
                .map(Tag::getKey)
                .collect(Collectors.toCollection(TreeSet::new));
        registered.put(name, new Row(type(m), tags));
      }
    }
    assertThat(registered).as("meters registered by the test agent").hasSizeGreaterThan(40);
    List<String> problems = new ArrayList<>();
    registered.forEach(
        (name, row) -> {
          Row d = doc.get(name);
          if (d == null) {
            problems.add(
                "missing row: | `"
                    + name
                    + "` | "
                    + row.type()
                    + " | ? | "
                    + String.join(", ", row.tags())
                    + " | ? |");
          } else if (!d.equals(row)) {
            problems.add(name + ": documented " + d + ", registered " + row);
          }
        });
    assertThat(problems).as("rows of %s", DOC).isEmpty();
  }

  /**
   * Defect: the camera pipeline and the MQTT camera source both registered {@code
   * affectgate.camera.frames.received}, one without tags and one with {@code format}; Prometheus
   * needs one set of tag keys per name, so the Prometheus registry refused the second and its
   * series was missing from {@code /metrics}.
   */
  @Test
  void cameraFramesReceivedTagClash_allPathsOn_prometheusRefusesNoMeter() throws Exception {
    agent.publishCameraFrame();
    await()
        .atMost(Duration.ofSeconds(10))
        .until(() -> agent.count("affectgate.camera.frames.received") >= 1);
    assertThat(agent.registrationFailures())
        .as("meters refused by the Prometheus registry")
        .isEmpty();
    assertThat(agent.get("/metrics")).contains("affectgate_camera_frames_received_total");
  }

  @Test
  void everyMeterNameInTheSources_hasARow() throws IOException {
    Map<String, Row> doc = documented();
    Set<String> names = new TreeSet<>();
    for (Path root : SOURCES) {
      assertThat(root).as("source root").isDirectory();
      try (Stream<Path> files = Files.walk(root)) {
        for (Path f : files.filter(p -> p.toString().endsWith(".java")).toList()) {
          Matcher m = NAME_LITERAL.matcher(Files.readString(f));
          while (m.find()) {
            names.add(m.group(1));
          }
        }
      }
    }
    names.removeAll(NOT_METERS);
    assertThat(names).as("meter names in the sources").hasSizeGreaterThan(100);
    assertThat(doc.keySet()).as("rows of %s", DOC).containsAll(names);
  }

  private static String type(Meter m) {
    if (m instanceof Counter || m instanceof FunctionCounter) {
      return "counter";
    }
    if (m instanceof Timer) {
      return "timer";
    }
    if (m instanceof Gauge || m instanceof TimeGauge) {
      return "gauge";
    }
    return m.getId().getType().name().toLowerCase(java.util.Locale.ROOT);
  }

  static Map<String, Row> documented() throws IOException {
    Map<String, Row> out = new TreeMap<>();
    for (String line : Files.readAllLines(DOC)) {
      Matcher m = ROW.matcher(line);
      if (m.find()) {
        Set<String> tags =
            Arrays.stream(m.group(3).split(","))
                .map(String::trim)
                .filter(t -> !t.isEmpty())
                .collect(Collectors.toCollection(TreeSet::new));
        Row previous = out.put(m.group(1), new Row(m.group(2), tags));
        assertThat(previous).as("%s documented twice", m.group(1)).isNull();
      }
    }
    return out;
  }
}
