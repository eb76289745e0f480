package org.affectgate.agent.consent;

import static org.assertj.core.api.Assertions.assertThat;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServer;
import io.vertx.ext.web.Router;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.InstantSource;
import java.util.concurrent.TimeUnit;
import org.affectgate.agent.admin.AdminToken;
import org.affectgate.agent.admin.BearerAuth;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code POST /kiosk/{kioskId}/consent} on a real Vert.x server with the real ledger. */
class KioskConsentHttpApiTest {
  private static final String TOKEN = "test-admin-token-3f9a1c7e5b";
  private static final String GRANT =
      "{\"v\":1,\"session\":\"sess-http-01\",\"action\":\"grant\","
          + "\"purposes\":[\"kiosk-voice\"],\"ts\":1}";
  private final SimpleMeterRegistry registry = new SimpleMeterRegistry();
  private final HttpClient http = HttpClient.newHttpClient();

  @TempDir Path dir;
  private Vertx vertx;
  private ConsentStore store;
  private KioskConsent consent;
  private HttpServer server;

  @BeforeEach
  void start() throws Exception {
    vertx = Vertx.vertx();
    store = ConsentStore.open(new ConsentConfig(dir.resolve("consent.db")));
    consent = new KioskConsent(store, InstantSource.system(), registry);
    Files.writeString(dir.resolve("admin-token"), TOKEN + "\n");
    AdminToken token = AdminToken.loadOrCreate(dir.resolve("admin-token"));
    Router router = Router.router(vertx);
    new KioskConsentHttpApi(
            vertx,
            consent,
            "site-1",
            new BearerAuth(token, registry, InstantSource.system()),
            registry)
        .mount(router);
    server =
        vertx
            .createHttpServer()
            .requestHandler(router)
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

  private HttpResponse<String> post(String kiosk, String body, String token) throws Exception {
    HttpRequest.Builder b =
        HttpRequest.newBuilder(
                URI.create(
                    "http://127.0.0.1:" + server.actualPort() + "/kiosk/" + kiosk + "/consent"))
            .POST(HttpRequest.BodyPublishers.ofString(body));
    if (token != null) {
      b.header("Authorization", "Bearer " + token);
    }
    return http.send(b.build(), HttpResponse.BodyHandlers.ofString());
  }

  @Test
  void grantThenEnd_appliedAtOnce() throws Exception {
    assertThat(post("k1", GRANT, TOKEN).statusCode()).isEqualTo(204);
    assertThat(consent.allows("site-1", "k1", Purposes.KIOSK_VOICE)).isTrue();

    String end = "{\"v\":1,\"session\":\"sess-http-01\",\"action\":\"end\",\"ts\":2}";
    assertThat(post("k1", end, TOKEN).statusCode()).isEqualTo(204);
    assertThat(consent.allows("site-1", "k1", Purposes.KIOSK_VOICE)).isFalse();
    assertThat(store.entries()).hasSize(2);
  }

  @Test
  void sameGrantPostedTwice_bothAnswered204_recordedOnce_countedAsDuplicate() throws Exception {
    assertThat(post("k1", GRANT, TOKEN).statusCode()).isEqualTo(204);
    assertThat(post("k1", GRANT, TOKEN).statusCode()).as("a client's retry").isEqualTo(204);

    assertThat(store.entries()).hasSize(1);
    assertThat(consent.allows("site-1", "k1", Purposes.KIOSK_VOICE)).isTrue();
    assertThat(registry.counter("affectgate.kiosk.consent.duplicates", "action", "grant").count())
        .isEqualTo(1);
  }

  @Test
  void withoutOrWithWrongToken_refusedNothingRecorded() throws Exception {
    assertThat(post("k1", GRANT, null).statusCode()).isEqualTo(401);
    assertThat(post("k1", GRANT, "wrong-token-0000000000").statusCode()).isEqualTo(403);
    assertThat(consent.allows("site-1", "k1", Purposes.KIOSK_VOICE)).isFalse();
    assertThat(store.entries()).isEmpty();
  }

  @Test
  void badPayload_400WithReasonAndCounted() throws Exception {
    HttpResponse<String> r = post("k1", "{\"v\":1,\"action\":\"grant\"}", TOKEN);
    assertThat(r.statusCode()).isEqualTo(400);
    assertThat(r.body()).contains("MISSING_FIELD").contains("session");
    assertThat(
            registry
                .counter(
                    "affectgate.ingest.rejected",
                    "reason",
                    "MISSING_FIELD",
                    "format",
                    "kiosk-consent")
                .count())
        .isEqualTo(1);
    assertThat(store.entries()).isEmpty();
  }
}
