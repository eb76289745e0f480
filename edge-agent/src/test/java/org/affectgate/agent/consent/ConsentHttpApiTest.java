package org.affectgate.agent.consent;

import static org.assertj.core.api.Assertions.assertThat;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServer;
import io.vertx.core.json.JsonArray;
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
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A real Vert.x HTTP server on a loopback port, driven by java.net.http. */
class ConsentHttpApiTest {
  private static final Instant T = Instant.parse("2025-03-01T09:00:00Z");
  private static final String TOKEN = "test-admin-token-3f9a1c7e5b";
  private final SimpleMeterRegistry registry = new SimpleMeterRegistry();

  @TempDir Path dir;
  private Vertx vertx;
  private ConsentStore store;
  private ConsentGate gate;
  private HttpServer server;
  private final HttpClient http = HttpClient.newHttpClient();

  @BeforeEach
  void start() throws Exception {
    vertx = Vertx.vertx();
    store = ConsentStore.open(new ConsentConfig(dir.resolve("consent.db")));
    gate = new ConsentGate(store, new SimpleMeterRegistry(), InstantSource.system());
    Files.writeString(dir.resolve("admin-token"), TOKEN + "\n");
    AdminToken token = AdminToken.loadOrCreate(dir.resolve("admin-token"));
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
    return send(method, path, body, "Bearer " + TOKEN);
  }

  private HttpResponse<String> send(String method, String path, String body, String authorization)
      throws Exception {
    HttpRequest.Builder b =
        HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + server.actualPort() + path))
            .header("content-type", "application/json");
    if (authorization != null) {
      b.header("Authorization", authorization);
    }
    b.method(
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
  void grantListRevoke_roundTrip_gateFollowsImmediately() throws Exception {
    HttpResponse<String> created = send("POST", "/consent", grantBody("p-001", "hr-7"));
    assertThat(created.statusCode()).isEqualTo(201);
    assertThat(created.headers().firstValue("content-type")).contains("application/json");
    JsonObject record = new JsonObject(created.body());
    assertThat(record.getString("subject")).isEqualTo(store.subjectOf("p-001"));
    assertThat(created.body()).doesNotContain("p-001");
    assertThat(record.getString("device")).isEqualTo("hr-7");
    assertThat(record.getString("purpose")).isEqualTo("wellness-hr");
    assertThat(record.getString("grantedAt")).isEqualTo("2025-03-01T09:00:00Z");
    assertThat(record.getBoolean("active")).isTrue();
    assertThat(gate.admit("site1", "hr-7"))
        .contains(new Binding(store.subjectOf("p-001"), "site1", "wellbeing"));

    HttpResponse<String> listed = send("GET", "/consent", null);
    assertThat(listed.statusCode()).isEqualTo(200);
    JsonArray all = new JsonArray(listed.body());
    assertThat(all).hasSize(1);
    assertThat(all.getJsonObject(0).getString("subject")).isEqualTo(store.subjectOf("p-001"));

    HttpResponse<String> deleted = send("DELETE", "/consent/p-001", null);
    assertThat(deleted.statusCode()).isEqualTo(204);
    assertThat(deleted.body()).isEmpty();
    assertThat(gate.admit("site1", "hr-7")).isEmpty();
    assertThat(gate.drainRevoked()).containsExactly(store.subjectOf("p-001"));

    JsonObject after = new JsonArray(send("GET", "/consent", null).body()).getJsonObject(0);
    assertThat(after.getBoolean("active")).isFalse();
    assertThat(after.getString("revokedAt")).isEqualTo("2025-03-01T09:00:00Z");
    assertThat(send("DELETE", "/consent/p-001", null).statusCode()).isEqualTo(404);
  }

  @Test
  void invalidFields_400NamingTheField() throws Exception {
    assertError(send("POST", "/consent", grantBody("p 1", "hr-7")), 400, "participant");
    assertError(send("POST", "/consent", grantBody("p1", "hr/7")), 400, "device");
    assertError(
        send(
            "POST",
            "/consent",
            new JsonObject()
                .put("participant", "p1")
                .put("device", "d")
                .put("programme", "x")
                .encode()),
        400,
        "site");
    assertError(
        send(
            "POST",
            "/consent",
            new JsonObject()
                .put("participant", "p1")
                .put("device", "d")
                .put("site", "s")
                .put("programme", 7)
                .encode()),
        400,
        "programme");
    assertError(send("POST", "/consent", "not json"), 400, "body");
    assertError(send("POST", "/consent", "[1,2]"), 400, "body");
    assertError(send("POST", "/consent", null), 400, "body");
    assertError(send("DELETE", "/consent/p.1", null), 400, "participant");
    assertThat(store.lastEventId()).isZero();
  }

  @Test
  void deviceHeldByAnotherParticipant_409() throws Exception {
    assertThat(send("POST", "/consent", grantBody("p1", "hr-7")).statusCode()).isEqualTo(201);
    assertError(send("POST", "/consent", grantBody("p2", "hr-7")), 409, "device");
    assertThat(gate.admit("site1", "hr-7").orElseThrow().participantId())
        .isEqualTo(store.subjectOf("p1"));
  }

  @Test
  void oversizedBody_413() throws Exception {
    String big = "{\"participant\":\"" + "a".repeat(ConsentHttpApi.BODY_LIMIT) + "\"}";
    assertThat(send("POST", "/consent", big).statusCode()).isEqualTo(413);
  }

  @Test
  void unknownParticipantDelete_404() throws Exception {
    assertError(send("DELETE", "/consent/nobody", null), 404, "participant");
  }

  @Test
  void noToken_401WithBearerChallenge_nothingRecorded() throws Exception {
    HttpResponse<String> r = send("POST", "/consent", grantBody("p1", "hr-7"), null);
    assertThat(r.statusCode()).isEqualTo(401);
    assertThat(r.headers().firstValue("WWW-Authenticate")).contains("Bearer realm=\"affectgate\"");
    assertThat(send("GET", "/consent", null, "Basic dXNlcjpwYXNz").statusCode()).isEqualTo(401);
    assertThat(send("DELETE", "/consent/p1", null, null).statusCode()).isEqualTo(401);
    assertThat(store.lastEventId()).isZero();
    assertThat(registry.counter("affectgate.http.auth.rejected", "reason", "missing").count())
        .isEqualTo(3);
  }

  @Test
  void wrongToken_403_nothingRecorded() throws Exception {
    HttpResponse<String> r =
        send("POST", "/consent", grantBody("p1", "hr-7"), "Bearer " + TOKEN + "x");
    assertThat(r.statusCode()).isEqualTo(403);
    assertThat(new JsonObject(r.body()).getString("field")).isEqualTo("authorization");
    assertThat(send("POST", "/consent/p1/erase", null, "Bearer nope").statusCode()).isEqualTo(403);
    assertThat(store.lastEventId()).isZero();
    assertThat(registry.counter("affectgate.http.auth.rejected", "reason", "invalid").count())
        .isEqualTo(2);
  }

  @Test
  void tokens_neverLogged() throws Exception {
    ch.qos.logback.classic.Logger root =
        (ch.qos.logback.classic.Logger) org.slf4j.LoggerFactory.getLogger("ROOT");
    ch.qos.logback.core.read.ListAppender<ch.qos.logback.classic.spi.ILoggingEvent> logs =
        new ch.qos.logback.core.read.ListAppender<>();
    logs.start();
    root.addAppender(logs);
    try {
      send("GET", "/consent", null, "Bearer wrong-secret-value-123");
      send("GET", "/consent", null, null);
      send("POST", "/consent", grantBody("p1", "hr-7"));
      send("DELETE", "/consent/p1", null);
    } finally {
      root.detachAppender(logs);
    }
    assertThat(logs.list).isNotEmpty();
    assertThat(logs.list)
        .extracting(ch.qos.logback.classic.spi.ILoggingEvent::getFormattedMessage)
        .noneMatch(m -> m.contains(TOKEN) || m.contains("wrong-secret-value-123"));
  }

  @Test
  void erase_204ThenGone_404Again() throws Exception {
    assertThat(send("POST", "/consent", grantBody("p1", "hr-7")).statusCode()).isEqualTo(201);
    assertThat(send("POST", "/consent/p1/erase", null).statusCode()).isEqualTo(204);
    assertThat(new JsonArray(send("GET", "/consent", null).body())).isEmpty();
    assertThat(gate.drainRevoked()).containsExactly(store.subjectOf("p1"));
    assertError(send("POST", "/consent/p1/erase", null), 404, "participant");
  }

  private static void assertError(HttpResponse<String> response, int status, String field) {
    assertThat(response.statusCode()).isEqualTo(status);
    JsonObject body = new JsonObject(response.body());
    assertThat(body.getString("field")).isEqualTo(field);
    assertThat(body.getString("error")).contains(field.equals("body") ? "JSON" : field);
  }

  @Test
  void grant_withSync_recordsTheOptIn_badSyncValueIs400() throws Exception {
    JsonObject body = new JsonObject(grantBody("p-009", "hr-9")).put("sync", true);

    HttpResponse<String> created = send("POST", "/consent", body.encode());
    HttpResponse<String> bad =
        send(
            "POST",
            "/consent",
            new JsonObject(grantBody("p-010", "hr-10")).put("sync", "yes").encode());

    assertThat(created.statusCode()).isEqualTo(201);
    assertThat(new JsonObject(created.body()).getBoolean("sync")).isTrue();
    assertThat(gate.syncOptedIn(store.subjectOf("p-009"))).isTrue();
    assertThat(store.list())
        .anyMatch(r -> r.purpose().equals(Purposes.WELLNESS_HR_SYNC) && r.active());
    assertThat(bad.statusCode()).isEqualTo(400);
    assertThat(new JsonObject(bad.body()).getString("field")).isEqualTo("sync");
    assertThat(store.activeBindings()).doesNotContainKey("hr-10");
  }
}
