package org.affectgate.agent.models;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.vertx.core.json.JsonObject;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.affectgate.agent.config.AgentConfig;
import org.affectgate.agent.config.AgentConfigLoader;
import org.affectgate.agent.pipeline.Agent;
import org.affectgate.models.ModelEntry;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The running agent's model management over its admin HTTP server: the {@code models} status
 * section, {@code POST /models/reload} behind the admin token, a refused reload that keeps the
 * running models and says why, then an applied one.
 */
class ModelsAdminAgentTest {
  @TempDir Path dir;
  final HttpClient http = HttpClient.newHttpClient();

  private static int unusedPort() throws Exception {
    try (ServerSocket s = new ServerSocket(0)) {
      return s.getLocalPort();
    }
  }

  private JsonObject status(int port) throws Exception {
    HttpResponse<String> r =
        http.send(
            HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/status")).build(),
            HttpResponse.BodyHandlers.ofString());
    return new JsonObject(r.body()).getJsonObject("models");
  }

  private HttpResponse<String> reload(int port, String token) throws Exception {
    HttpRequest.Builder b =
        HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/models/reload"))
            .POST(HttpRequest.BodyPublishers.noBody());
    if (token != null) {
      b.header("Authorization", "Bearer " + token);
    }
    return http.send(b.build(), HttpResponse.BodyHandlers.ofString());
  }

  @Test
  void adminReload_refusedThenApplied_statusSaysWhy() throws Exception {
    Path models = Files.createDirectories(dir.resolve("models"));
    Path manifest = ModelDirs.copyShipped(models, "hrv-stress", "voice-emotion");
    List<ModelEntry> shipped = ModelDirs.entries(manifest);
    Map<String, Object> tree = new LinkedHashMap<>();
    tree.put("site", "store-9");
    tree.put("dataDir", dir.resolve("data").toString());
    tree.put("mqtt", Map.of("uri", "tcp://127.0.0.1:" + unusedPort()));
    tree.put("http", Map.of("port", 0));
    tree.put("context", "wellness-programme");
    tree.put("models", Map.of("manifest", manifest.toString()));
    tree.put("hrv", Map.of("stress", Map.of("enabled", true)));
    tree.put("voice", Map.of("enabled", true));
    AgentConfig config = AgentConfigLoader.fromTree(new ObjectMapper().valueToTree(tree));

    try (Agent agent =
        Agent.start(config, Agent.Options.defaults().withRegistry(new SimpleMeterRegistry()))) {
      int port = agent.httpPort();
      String token = Files.readString(config.http().tokenFile()).strip();
      JsonObject before = status(port);
      assertThat(before.getJsonObject("running").getString("voice-emotion")).startsWith("2.0.0 ");
      assertThat(before.getJsonObject("running").getString("hrv-stress"))
          .startsWith(shipped.get(0).version() + " ");
      assertThat(before.getString("lastReload")).isEqualTo("none");

      assertThat(reload(port, null).statusCode()).isEqualTo(401);

      ModelEntry tiny =
          ModelDirs.tinyVoice(
              models, shipped.get(1), "voice-emotion", "9.0.0", "voice-emotion/v9.onnx", null);
      byte[] good = Files.readAllBytes(models.resolve(tiny.file()));
      byte[] bad = good.clone();
      bad[bad.length / 3] ^= 0x11;
      Files.write(models.resolve(tiny.file()), bad);
      ModelDirs.write(manifest, ModelDirs.replace(shipped, "voice-emotion", tiny));

      HttpResponse<String> refused = reload(port, token);

      assertThat(refused.statusCode()).isEqualTo(422);
      assertThat(new JsonObject(refused.body()).getString("detail"))
          .startsWith("CHECKSUM_MISMATCH [voice-emotion]");
      JsonObject afterRefusal = status(port);
      assertThat(afterRefusal.getString("lastReload"))
          .startsWith("failed: CHECKSUM_MISMATCH [voice-emotion]");
      assertThat(afterRefusal.getJsonObject("running").getString("voice-emotion"))
          .startsWith("2.0.0 ");

      Files.write(models.resolve(tiny.file()), good);
      HttpResponse<String> applied = reload(port, token);

      assertThat(applied.statusCode()).isEqualTo(200);
      JsonObject after = status(port);
      assertThat(after.getString("lastReload")).startsWith("ok at ").contains("voice-emotion");
      assertThat(after.getJsonObject("running").getString("voice-emotion")).startsWith("9.0.0 ");
      assertThat(after.getBoolean("previousKept")).isTrue();
      assertThat(dir.resolve("data/models/previous/manifest.json")).exists();
    }
  }
}
