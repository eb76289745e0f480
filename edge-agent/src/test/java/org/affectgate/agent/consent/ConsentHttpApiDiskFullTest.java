package org.affectgate.agent.consent;

import static org.assertj.core.api.Assertions.assertThat;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServer;
import io.vertx.core.json.JsonObject;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.time.InstantSource;
import java.time.ZoneOffset;
import java.util.concurrent.TimeUnit;
import org.affectgate.agent.admin.AdminToken;
import org.affectgate.agent.admin.BearerAuth;
import org.affectgate.sync.testing.SmallFilesystem;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Issue 17, failure 3, over the admin API: a real Vert.x server whose ledger sits on a 4 MiB tmpfs
 * that is full when the withdrawal arrives.
 */
class ConsentHttpApiDiskFullTest {
  private static final Instant T = Instant.parse("2025-03-01T09:00:00Z");
  private static final String TOKEN = "test-admin-token-3f9a1c7e5b";

  @RegisterExtension final SmallFilesystem fs = new SmallFilesystem(4L * 1024 * 1024);

  private final SimpleMeterRegistry registry = new SimpleMeterRegistry();
  private final HttpClient http = HttpClient.newHttpClient();
  private Vertx vertx;
  private ConsentConfig config;
  private ConsentStore store;
  private ConsentGate gate;
  private HttpServer server;

  @BeforeEach
  void start() throws Exception {
    vertx = Vertx.vertx();
    config = new ConsentConfig(fs.dir().resolve("consent.db")).withReserveBytes(256 * 1024);
    store = ConsentStore.open(config);
    gate = new ConsentGate(store, registry, InstantSource.system());
    Path tokenFile = Files.createTempFile("admin-token", "");
    Files.writeString(tokenFile, TOKEN + "\n");
    AdminToken token = AdminToken.loadOrCreate(tokenFile);
    Files.delete(tokenFile);
    ConsentHttpApi api =
        new ConsentHttpApi(
            vertx,
            store,
            gate,
            Clock.fixed(T, ZoneOffset.UTC),
            new BearerAuth(token, registry, InstantSource.system()));
    server =
        vertx
            .createHttpServer()
            .requestHandler(api.router())
            .listen(0, "127.0.0.1")
            .toCompletionStage()
            .toCompletableFuture()
            .get(10, TimeUnit.SECONDS);
  }

  @AfterEach
  void stop() throws Exception {
    vertx.close().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
    store.close();
  }

  private HttpResponse<String> send(String method, String path, String body) throws Exception {
    HttpRequest.Builder b =
        HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + server.actualPort() + path))
            .header("content-type", "application/json")
            .header("Authorization", "Bearer " + TOKEN)
            .method(
                method,
                body == null
                    ? HttpRequest.BodyPublishers.noBody()
                    : HttpRequest.BodyPublishers.ofString(body));
    return http.send(b.build(), HttpResponse.BodyHandlers.ofString());
  }

  private static String grantBody(String participant, String device) {
    return new JsonObject()
        .put("participant", participant)
        .put("device", device)
        .put("site", "site1")
        .put("programme", "wellbeing")
        .encode();
  }

  @Test
  void withdrawalOnFullDisk_isRecorded_notA500_andTheGateStopsAtOnce() throws Exception {
    assertThat(send("POST", "/consent", grantBody("p-001", "hr-7")).statusCode()).isEqualTo(201);
    assertThat(gate.admit("site1", "hr-7")).isPresent();
    fs.fill();

    HttpResponse<String> r = send("DELETE", "/consent/p-001", null);

    assertThat(r.statusCode()).as(r.body()).isEqualTo(204);
    assertThat(gate.admit("site1", "hr-7")).isEmpty();
    fs.free();
    assertThat(store.verify().intact()).isTrue();
  }

  @Test
  void withdrawalWithoutReserve_202WithdrawnPurgedInMemoryPending_recordedWhenSpaceReturns()
      throws Exception {
    assertThat(send("POST", "/consent", grantBody("p-001", "hr-7")).statusCode()).isEqualTo(201);
    assertThat(send("POST", "/consent", grantBody("p-002", "hr-8")).statusCode()).isEqualTo(201);
    Files.delete(config.reserveFile());
    fs.fill();

    HttpResponse<String> r = send("DELETE", "/consent/p-001", null);

    assertThat(r.statusCode()).as(r.body()).isEqualTo(202);
    JsonObject body = new JsonObject(r.body());
    assertThat(body.getString("status"))
        .isEqualTo("withdrawn; purged in memory; ledger write pending (disk full)");
    assertThat(body.getString("subject")).isEqualTo(store.subjectOf("p-001"));
    assertThat(body.getString("ledger")).isEqualTo("pending");
    assertThat(r.body()).doesNotContain("p-001");
    assertThat(gate.admit("site1", "hr-7")).as("stopped at once").isEmpty();
    assertThat(gate.admit("site1", "hr-8")).isPresent();
    assertThat(gate.drainRevoked()).containsExactly(store.subjectOf("p-001"));

    fs.free();
    assertThat(store.maintain()).as("recorded once there is room").isZero();
    assertThat(store.history()).anyMatch(h -> h.contains("WITHDRAW " + store.subjectOf("p-001")));
    assertThat(store.verify().intact()).isTrue();
    assertThat(send("DELETE", "/consent/p-001", null).statusCode()).isEqualTo(404);
  }

  @Test
  void grantOnFullDisk_507SayingDiskFull() throws Exception {
    fs.fill();

    HttpResponse<String> r = send("POST", "/consent", grantBody("p-001", "hr-7"));

    assertThat(r.statusCode()).isEqualTo(507);
    assertThat(new JsonObject(r.body()).getString("error")).startsWith("disk full");
  }

  @Test
  void withdrawOnePurpose_byQueryParameter_othersStay() throws Exception {
    String body = new JsonObject(grantBody("p-001", "hr-7")).put("sync", true).encode();
    assertThat(send("POST", "/consent", body).statusCode()).isEqualTo(201);

    assertThat(send("DELETE", "/consent/p-001?purpose=wellness-hr-sync", null).statusCode())
        .isEqualTo(204);
    assertThat(send("DELETE", "/consent/p-001?purpose=wellness-hr-sync", null).statusCode())
        .isEqualTo(404);
    assertThat(send("DELETE", "/consent/p-001?purpose=All!", null).statusCode()).isEqualTo(400);
    assertThat(gate.admit("site1", "hr-7")).isPresent();
  }
}
