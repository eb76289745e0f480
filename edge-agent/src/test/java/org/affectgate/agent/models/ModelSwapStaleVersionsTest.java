package org.affectgate.agent.models;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Stream;
import org.affectgate.agent.config.AgentConfig;
import org.affectgate.agent.config.AgentConfigLoader;
import org.affectgate.agent.pipeline.Agent;
import org.affectgate.common.time.ManualScheduler;
import org.affectgate.models.ModelEntry;
import org.assertj.core.api.SoftAssertions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Regression: after a hot swap the operator page ({@code /operator/state.json}) and the {@code
 * gateway_health} point kept the model versions read from the manifest at start-up, while {@code
 * /status} showed the new ones. A real agent (stress and voice on the shipped models, line-protocol
 * file export) swaps voice-emotion 2.0.0 for a generated 9.0.0 through {@code POST /models/reload};
 * the health reports run on virtual time, the export files are read back.
 */
class ModelSwapStaleVersionsTest {
  @TempDir Path dir;
  final HttpClient http = HttpClient.newHttpClient();
  final ManualScheduler time = new ManualScheduler(Instant.now());

  private static int unusedPort() throws Exception {
    try (ServerSocket s = new ServerSocket(0)) {
      return s.getLocalPort();
    }
  }

  private String get(int port, String path) throws Exception {
    return http.send(
            HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path)).build(),
            HttpResponse.BodyHandlers.ofString())
        .body();
  }

  /** Name to version of the operator page's model rows. */
  private Map<String, String> operatorModels(int port) throws Exception {
    JsonArray rows = new JsonObject(get(port, "/operator/state.json")).getJsonArray("models");
    Map<String, String> out = new LinkedHashMap<>();
    for (int i = 0; i < rows.size(); i++) {
      JsonObject r = rows.getJsonObject(i);
      out.put(r.getString("name"), r.getString("version"));
    }
    return out;
  }

  /** The {@code models} tag of every exported {@code gateway_health} line, by point time. */
  private static List<String> exportedModelTags(Path export) throws IOException {
    Map<Long, String> byTime = new TreeMap<>();
    if (!Files.isDirectory(export)) {
      return List.of();
    }
    List<Path> files;
    try (Stream<Path> s = Files.list(export)) {
      files = s.filter(p -> p.toString().endsWith(".lp")).toList();
    }
    for (Path f : files) {
      for (String line : Files.readAllLines(f)) {
        if (line.startsWith("gateway_health,")) {
          String key = line.substring(0, line.indexOf(' '));
          long at = Long.parseLong(line.substring(line.lastIndexOf(' ') + 1));
          for (String kv : key.split(",")) {
            if (kv.startsWith("models=")) {
              byTime.put(at, kv.substring("models=".length()));
            }
          }
        }
      }
    }
    return new ArrayList<>(byTime.values());
  }

  @Test
  void hotSwap_operatorPageAndGatewayHealth_showRunningVersionNotStartupOne() throws Exception {
    Path models = Files.createDirectories(dir.resolve("models"));
    Path manifest = ModelDirs.copyShipped(models, "hrv-stress", "voice-emotion");
    List<ModelEntry> shipped = ModelDirs.entries(manifest);
    String stress = "hrv-stress." + shipped.get(0).version();
    Map<String, Object> tree = new LinkedHashMap<>();
    tree.put("site", "store-9");
    tree.put("dataDir", dir.resolve("data").toString());
    tree.put("mqtt", Map.of("uri", "tcp://127.0.0.1:" + unusedPort()));
    tree.put("http", Map.of("port", 0));
    tree.put("sync", Map.of("intervalMs", 200));
    tree.put("context", "wellness-programme");
    tree.put("models", Map.of("manifest", manifest.toString()));
    tree.put("hrv", Map.of("stress", Map.of("enabled", true)));
    tree.put("voice", Map.of("enabled", true));
    AgentConfig config = AgentConfigLoader.fromTree(new ObjectMapper().valueToTree(tree));
    Path export = config.export().directory();

    try (Agent agent =
        Agent.start(
            config,
            Agent.Options.defaults()
                .withRegistry(new SimpleMeterRegistry())
                .withClock(time)
                .withScheduler(time))) {
      int port = agent.httpPort();
      String token = Files.readString(config.http().tokenFile()).strip();
      time.runDue(); // the first gateway_health point, at start-up
      await()
          .atMost(Duration.ofSeconds(20))
          .until(() -> exportedModelTags(export), t -> t.size() == 1);
      assertThat(exportedModelTags(export)).containsExactly(stress + "_voice-emotion.2.0.0");
      assertThat(operatorModels(port)).containsEntry("voice-emotion", "2.0.0");

      ModelEntry tiny =
          ModelDirs.tinyVoice(
              models, shipped.get(1), "voice-emotion", "9.0.0", "voice-emotion/v9.onnx", null);
      ModelDirs.write(manifest, ModelDirs.replace(shipped, "voice-emotion", tiny));
      HttpResponse<String> applied =
          http.send(
              HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/models/reload"))
                  .header("Authorization", "Bearer " + token)
                  .POST(HttpRequest.BodyPublishers.noBody())
                  .build(),
              HttpResponse.BodyHandlers.ofString());
      assertThat(applied.statusCode()).as(applied.body()).isEqualTo(200);
      assertThat(
              new JsonObject(get(port, "/status"))
                  .getJsonObject("models")
                  .getJsonObject("running")
                  .getString("voice-emotion"))
          .startsWith("9.0.0 ");

      time.advance(Duration.ofSeconds(60)); // the next gateway_health point
      await()
          .atMost(Duration.ofSeconds(20))
          .until(() -> exportedModelTags(export), t -> t.size() == 2);
      SoftAssertions soft = new SoftAssertions();
      soft.assertThat(operatorModels(port))
          .as("operator page")
          .containsEntry("voice-emotion", "9.0.0")
          .containsEntry("hrv-stress", shipped.get(0).version());
      soft.assertThat(exportedModelTags(export).get(1))
          .as("gateway_health models tag")
          .isEqualTo(stress + "_voice-emotion.9.0.0");
      soft.assertAll();
    }
  }
}
