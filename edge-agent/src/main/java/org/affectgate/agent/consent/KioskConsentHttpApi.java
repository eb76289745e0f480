package org.affectgate.agent.consent;

import io.micrometer.core.instrument.MeterRegistry;
import io.vertx.core.Handler;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import io.vertx.ext.web.handler.BodyHandler;
import java.util.regex.Pattern;
import org.affectgate.device.ingest.ParseResult;
import org.affectgate.device.kiosk.audio.KioskAudioTopics;
import org.affectgate.device.kiosk.consent.KioskConsentMessage;
import org.affectgate.device.kiosk.consent.KioskConsentParser;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Kiosk consent over HTTP, for kiosks with touch screens, behind the admin bearer token:
 *
 * <pre>
 * POST /kiosk/{kioskId}/consent   body: the MQTT payload, e.g.
 *      {"v":1,"session":"…","action":"grant"|"withdraw"|"end","purposes":["kiosk-voice"],"ts":…}
 *   204 applied | 400 {"error","reason"} | 401/403 token | 413 body over 4096 bytes | 500 ledger
 * </pre>
 *
 * The site is this agent's {@code site}. Rejections are counted like MQTT ones in {@code
 * affectgate.ingest.rejected{reason,format=kiosk-consent}}. The ledger write runs via {@code
 * executeBlocking}, never on the event loop. A retried grant (same body) answers 204 and changes
 * nothing ({@link KioskConsent}, "Duplicates").
 */
public final class KioskConsentHttpApi {
  private static final Logger LOG = LoggerFactory.getLogger(KioskConsentHttpApi.class);
  private static final Pattern ID = Pattern.compile(KioskAudioTopics.ID_REGEX);

  private final Vertx vertx;
  private final KioskConsent consent;
  private final String site;
  private final Handler<RoutingContext> auth;
  private final MeterRegistry registry;
  private final KioskConsentParser parser = new KioskConsentParser();

  public KioskConsentHttpApi(
      Vertx vertx,
      KioskConsent consent,
      String site,
      Handler<RoutingContext> auth,
      MeterRegistry registry) {
    this.vertx = vertx;
    this.consent = consent;
    this.site = site;
    this.auth = auth;
    this.registry = registry;
  }

  /** Adds the route to {@code router}. */
  public void mount(Router router) {
    router.route("/kiosk/*").handler(auth);
    router
        .post("/kiosk/:kioskId/consent")
        .handler(BodyHandler.create(false).setBodyLimit(ConsentHttpApi.BODY_LIMIT));
    router.post("/kiosk/:kioskId/consent").handler(this::post);
  }

  private void post(RoutingContext ctx) {
    String kioskId = ctx.pathParam("kioskId");
    if (kioskId == null || !ID.matcher(kioskId).matches()) {
      reject(ctx, "UNKNOWN_TOPIC", "kioskId must match " + KioskAudioTopics.ID_REGEX);
      return;
    }
    byte[] body = ctx.body().available() ? ctx.body().buffer().getBytes() : new byte[0];
    ParseResult<KioskConsentMessage> parsed = parser.parse(site, kioskId, body);
    if (parsed instanceof ParseResult.Rejected<KioskConsentMessage> r) {
      reject(ctx, r.reason().name(), r.detail());
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
                LOG.warn("Kiosk consent API: {}", ar.cause().toString());
                ctx.response()
                    .setStatusCode(500)
                    .putHeader("content-type", "application/json")
                    .end(new JsonObject().put("error", "consent ledger unavailable").encode());
              }
            });
  }

  private void reject(RoutingContext ctx, String reason, String detail) {
    registry
        .counter("affectgate.ingest.rejected", "reason", reason, "format", "kiosk-consent")
        .increment();
    ctx.response()
        .setStatusCode(400)
        .putHeader("content-type", "application/json")
        .end(new JsonObject().put("error", detail).put("reason", reason).encode());
  }
}
