package org.affectgate.agent.respond;

import io.micrometer.core.instrument.MeterRegistry;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import io.vertx.ext.web.handler.BodyHandler;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.Map;
import org.affectgate.agent.consent.KioskConsent;
import org.affectgate.device.ingest.ParseResult;
import org.affectgate.device.kiosk.consent.KioskConsentMessage;
import org.affectgate.device.kiosk.consent.KioskConsentParser;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The reference kiosk page and the kiosk's own consent route, for kiosks that have a token ({@code
 * respond.kioskTokens.<kioskId>}):
 *
 * <pre>
 * GET  /kiosk/{kioskId}/            the page (index.html, kiosk.css, kiosk.js from the classpath)
 * POST /kiosk/{kioskId}/visitor/consent   Authorization: Bearer &lt;that kiosk's token&gt;
 *      body: the kiosk consent MQTT payload ({"v":1,"session":…,"action":…,"purposes":[…],"ts":…})
 *   204 applied | 400 {"error","reason"} | 401 missing_token | 403 wrong_token | 404 unknown_kiosk
 *   | 413 body over 4096 bytes | 500 ledger
 * </pre>
 *
 * The page holds no data: the integrator gives it the kiosk token as {@code #token=…} in the URL
 * fragment (never sent to the server in a request line), it draws a random visitor session id, and
 * it talks to {@code visitor/consent} and the state stream ({@link StateEvents}). A kiosk token
 * changes the consent of its own kiosk only (the path's kiosk); the admin token opens nothing here.
 * Refusals are counted in {@code affectgate.respond.kiosk.consent.refused{reason}}, parse
 * rejections like the admin route's in {@code
 * affectgate.ingest.rejected{reason,format=kiosk-consent}}. The ledger write runs via {@code
 * executeBlocking}, never on the event loop. Mount before the admin token's {@code /kiosk/*} guard.
 */
public final class KioskPage {
  private static final Logger LOG = LoggerFactory.getLogger(KioskPage.class);
  static final String CSP =
      "default-src 'none'; script-src 'self'; style-src 'self'; connect-src 'self'; img-src 'self'";
  static final int BODY_LIMIT = 4096;
  private static final Map<String, String> FILES =
      Map.of(
          "index.html", "text/html; charset=utf-8",
          "kiosk.css", "text/css; charset=utf-8",
          "kiosk.js", "text/javascript; charset=utf-8");

  private final Vertx vertx;
  private final KioskTokens tokens;
  private final KioskConsent consent;
  private final String site;
  private final MeterRegistry registry;
  private final KioskConsentParser parser = new KioskConsentParser();
  private final Map<String, Buffer> bytes;

  private KioskPage(
      Vertx vertx, KioskTokens tokens, KioskConsent consent, String site, MeterRegistry registry) {
    this.vertx = vertx;
    this.tokens = tokens;
    this.consent = consent;
    this.site = site;
    this.registry = registry;
    this.bytes =
        Map.of(
            "index.html", resource("index.html"),
            "kiosk.css", resource("kiosk.css"),
            "kiosk.js", resource("kiosk.js"));
  }

  /**
   * Adds the page and the consent route to {@code router}; the resources are read now.
   *
   * @throws IllegalStateException when a page resource is missing from the jar
   */
  public static void mount(
      Router router,
      Vertx vertx,
      ResponsePath respond,
      KioskConsent consent,
      String site,
      MeterRegistry registry) {
    KioskPage page = new KioskPage(vertx, respond.tokens(), consent, site, registry);
    router.get("/kiosk/:kioskId/").handler(ctx -> page.file(ctx, "index.html"));
    router.get("/kiosk/:kioskId/:file").handler(page::asset);
    router
        .post("/kiosk/:kioskId/visitor/consent")
        .handler(BodyHandler.create(false).setBodyLimit(BODY_LIMIT));
    router.post("/kiosk/:kioskId/visitor/consent").handler(page::consent);
  }

  private void asset(RoutingContext ctx) {
    String name = ctx.pathParam("file");
    if (!"kiosk.css".equals(name) && !"kiosk.js".equals(name)) {
      ctx.next(); // e.g. state: the SSE route, or the admin routes
      return;
    }
    file(ctx, name);
  }

  private void file(RoutingContext ctx, String name) {
    if (!tokens.has(ctx.pathParam("kioskId"))) {
      ctx.response().setStatusCode(404).end();
      return;
    }
    ctx.response()
        .putHeader("content-type", FILES.get(name))
        .putHeader("cache-control", "no-store")
        .putHeader("x-content-type-options", "nosniff")
        .putHeader("referrer-policy", "no-referrer")
        .putHeader("content-security-policy", CSP)
        .end(bytes.get(name));
  }

  private void consent(RoutingContext ctx) {
    String kioskId = ctx.pathParam("kioskId");
    if (kioskId == null || !tokens.has(kioskId)) {
      refuse(ctx, 404, "unknown_kiosk");
      return;
    }
    String header = ctx.request().getHeader("Authorization");
    String token =
        header != null && header.regionMatches(true, 0, "Bearer ", 0, 7)
            ? header.substring(7).strip()
            : null;
    if (token == null || token.isEmpty()) {
      refuse(ctx, 401, "missing_token");
      return;
    }
    if (!tokens.matches(kioskId, token)) {
      refuse(ctx, 403, "wrong_token");
      return;
    }
    byte[] body = ctx.body().available() ? ctx.body().buffer().getBytes() : new byte[0];
    ParseResult<KioskConsentMessage> parsed = parser.parse(site, kioskId, body);
    if (parsed instanceof ParseResult.Rejected<KioskConsentMessage> r) {
      registry
          .counter(
              "affectgate.ingest.rejected", "reason", r.reason().name(), "format", "kiosk-consent")
          .increment();
      json(ctx, 400, new JsonObject().put("error", r.detail()).put("reason", r.reason().name()));
      return;
    }
    KioskConsentMessage m = ((ParseResult.Ok<KioskConsentMessage>) parsed).value();
    vertx
        .executeBlocking(
            () -> {
              consent.apply(m);
              return null;
            })
        .onComplete(
            ar -> {
              if (ar.succeeded()) {
                ctx.response().setStatusCode(204).end();
              } else {
                LOG.warn("Kiosk page consent: {}", ar.cause().toString());
                json(ctx, 500, new JsonObject().put("error", "consent ledger unavailable"));
              }
            });
  }

  private void refuse(RoutingContext ctx, int status, String reason) {
    registry.counter("affectgate.respond.kiosk.consent.refused", "reason", reason).increment();
    json(ctx, status, new JsonObject().put("error", reason));
  }

  private static void json(RoutingContext ctx, int status, JsonObject body) {
    ctx.response()
        .setStatusCode(status)
        .putHeader("content-type", "application/json")
        .end(body.encode());
  }

  private static Buffer resource(String name) {
    String path = "/kiosk/" + name;
    try (InputStream in = KioskPage.class.getResourceAsStream(path)) {
      if (in == null) {
        throw new IllegalStateException("kiosk page resource missing from the jar: " + path);
      }
      return Buffer.buffer(in.readAllBytes());
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read kiosk page resource " + path, e);
    }
  }
}
