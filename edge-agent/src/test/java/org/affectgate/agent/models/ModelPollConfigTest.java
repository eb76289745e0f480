package org.affectgate.agent.models;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServer;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.affectgate.agent.config.AgentConfig;
import org.affectgate.agent.config.AgentConfigLoader;
import org.affectgate.agent.config.ConfigException;
import org.affectgate.agent.pipeline.Agent;
import org.affectgate.common.time.ManualScheduler;
import org.affectgate.features.voice.OnnxVoiceEmotionModel;
import org.affectgate.features.voice.VoiceEmotionModel;
import org.affectgate.models.ModelEntry;
import org.affectgate.models.ModelRegistry;
import org.affectgate.models.ModelRuntimeConfig;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Issue 15 §5 shortfall: the manifest poll interval was a constant ({@code
 * ModelSwaps.POLL_INTERVAL}, 10 s). It is now {@code models.pollSeconds}: validated at start-up
 * (0..86400, the error names the key), 0 turns polling off while {@code POST /models/reload} still
 * reloads, and the {@code models} status section shows the configured value.
 */
class ModelPollConfigTest {
  @TempDir Path dir;
  @TempDir Path data;
  final SimpleMeterRegistry registry = new SimpleMeterRegistry();
  final ManualScheduler time = new ManualScheduler();

  private Path agentYaml(String models) throws Exception {
    Path f = dir.resolve("agent.yaml");
    Files.writeString(f, "site: store-9\nmodels:\n  manifest: m.json\n" + models);
    return f;
  }

  @Test
  void pollSecondsNegative_refusedAtLoadNamingKeyAndFile() throws Exception {
    Path f = agentYaml("  pollSeconds: -1\n");
    assertThatThrownBy(() -> AgentConfigLoader.load(f))
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining("models.pollSeconds")
        .hasMessageContaining("(got -1)")
        .hasMessageContaining(f.toString());
  }

  @Test
  void pollSecondsOverOneDay_refusedAtLoadNamingKey() throws Exception {
    Path f = agentYaml("  pollSeconds: 86401\n");
    assertThatThrownBy(() -> AgentConfigLoader.load(f))
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining("models.pollSeconds")
        .hasMessageContaining("(got 86401)");
  }

  @Test
  void pollSecondsNotANumber_refusedAtLoadNamingKey() throws Exception {
    Path f = agentYaml("  pollSeconds: often\n");
    assertThatThrownBy(() -> AgentConfigLoader.load(f))
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining("models.pollSeconds");
  }

  @Test
  void pollSeconds_defaultTen_zeroAndOneDayAccepted() throws Exception {
    assertThat(AgentConfigLoader.load(agentYaml("")).models().pollSeconds()).isEqualTo(10);
    assertThat(AgentConfigLoader.load(agentYaml("  pollSeconds: 0\n")).models().pollSeconds())
        .isZero();
    assertThat(AgentConfigLoader.load(agentYaml("  pollSeconds: 86400\n")).models().pollSeconds())
        .isEqualTo(86400);
  }

  /** A ModelSwaps on the manual scheduler over a copy of the shipped voice model. */
  private final class Running implements AutoCloseable {
    final Path manifest;
    final ModelEntry tiny;
    final ModelSwaps swaps;
    final VoiceEmotionModel voice;

    Running(int pollSeconds) throws Exception {
      manifest = ModelDirs.copyShipped(dir, "voice-emotion");
      ModelEntry shipped = ModelDirs.entries(manifest).get(0);
      tiny =
          ModelDirs.tinyVoice(
              dir, shipped, "voice-emotion", "9.0.0", "voice-emotion/voice-emotion-9.onnx", null);
      ModelRuntimeConfig runtime = new ModelRuntimeConfig(manifest, 1, pollSeconds);
      swaps = new ModelSwaps(runtime, ModelArchive.inDataDir(data), time, null, time, registry);
      voice = swaps.voice(OnnxVoiceEmotionModel.load(ModelRegistry.open(runtime)));
      swaps.start();
    }

    @Override
    public void close() {
      swaps.close();
      voice.close();
    }
  }

  @Test
  void pollSecondsZero_timePassingDoesNotReload_httpReloadStillDoes() throws Exception {
    try (Running r = new Running(0)) {
      assertThat(r.swaps.status()).containsEntry("pollSeconds", 0);
      assertThat(time.pending()).as("nothing scheduled: no poll").isZero();
      ModelDirs.write(r.manifest, List.of(r.tiny));

      time.advance(Duration.ofDays(2));

      assertThat(r.swaps.versions()).containsEntry("voice-emotion", "2.0.0");
      assertThat(r.swaps.status()).containsEntry("lastReload", "none");

      Vertx vertx = Vertx.vertx();
      try {
        Router router = Router.router(vertx);
        ModelsHttp.mount(router, ctx -> ctx.next(), r.swaps);
        HttpServer server =
            vertx
                .createHttpServer()
                .requestHandler(router)
                .listen(0, "127.0.0.1")
                .toCompletionStage()
                .toCompletableFuture()
                .get(30, TimeUnit.SECONDS);
        CompletableFuture<HttpResponse<String>> response =
            HttpClient.newHttpClient()
                .sendAsync(
                    HttpRequest.newBuilder(
                            URI.create(
                                "http://127.0.0.1:" + server.actualPort() + "/models/reload"))
                        .POST(HttpRequest.BodyPublishers.noBody())
                        .build(),
                    HttpResponse.BodyHandlers.ofString());
        // the handler hands the reload to the (manual) reload thread: run it when it is queued
        await().until(() -> time.pending() > 0);
        time.runDue();

        HttpResponse<String> applied = response.get(30, TimeUnit.SECONDS);
        assertThat(applied.statusCode()).as(applied.body()).isEqualTo(200);
        assertThat(new JsonObject(applied.body()).getString("outcome")).isEqualTo("applied");
        assertThat(r.swaps.versions()).containsEntry("voice-emotion", "9.0.0");
        assertThat(time.pending()).as("a reload schedules no poll either").isZero();
      } finally {
        vertx.close().toCompletionStage().toCompletableFuture().get(30, TimeUnit.SECONDS);
      }
    }
  }

  @Test
  void pollSecondsThree_changedManifestPickedUpAfterThreeSecondsNotBefore() throws Exception {
    try (Running r = new Running(3)) {
      assertThat(r.swaps.status()).containsEntry("pollSeconds", 3);
      ModelDirs.write(r.manifest, List.of(r.tiny));

      time.advance(Duration.ofMillis(2_999));
      assertThat(r.swaps.versions()).containsEntry("voice-emotion", "2.0.0");

      time.advance(Duration.ofMillis(1));
      assertThat(r.swaps.versions()).containsEntry("voice-emotion", "9.0.0");
    }
  }

  @Test
  void runningAgent_statusShowsConfiguredPollSeconds() throws Exception {
    Path models = Files.createDirectories(dir.resolve("models"));
    Path manifest = ModelDirs.copyShipped(models, "voice-emotion");
    int mqttPort;
    try (java.net.ServerSocket s = new java.net.ServerSocket(0)) {
      mqttPort = s.getLocalPort();
    }
    Map<String, Object> tree = new LinkedHashMap<>();
    tree.put("site", "store-9");
    tree.put("dataDir", dir.resolve("data").toString());
    tree.put("mqtt", Map.of("uri", "tcp://127.0.0.1:" + mqttPort));
    tree.put("http", Map.of("port", 0));
    tree.put("models", Map.of("manifest", manifest.toString(), "pollSeconds", 0));
    tree.put("voice", Map.of("enabled", true));
    AgentConfig config = AgentConfigLoader.fromTree(new ObjectMapper().valueToTree(tree));

    try (Agent agent =
        Agent.start(config, Agent.Options.defaults().withRegistry(new SimpleMeterRegistry()))) {
      HttpResponse<String> status =
          HttpClient.newHttpClient()
              .send(
                  HttpRequest.newBuilder(
                          URI.create("http://127.0.0.1:" + agent.httpPort() + "/status"))
                      .build(),
                  HttpResponse.BodyHandlers.ofString());
      assertThat(new JsonObject(status.body()).getJsonObject("models").getInteger("pollSeconds"))
          .isZero();
    }
  }
}
