package org.affectgate.agent.consent;

import io.vertx.core.Future;
import io.vertx.core.Handler;
import io.vertx.core.Vertx;
import io.vertx.core.json.DecodeException;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import io.vertx.ext.web.handler.BodyHandler;
import java.time.Instant;
import java.time.InstantSource;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.function.BiFunction;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Local consent administration. Participant ids go in; only their pseudonyms ({@code subject}) come
 * out, since the ledger stores nothing else.
 *
 * <p>Endpoints over HTTP, for a localhost-only server the agent runs:
 *
 * <pre>
 * GET    /consent                 200 [{"subject","device","site","programme","purpose",
 *                                       "grantedAt","expiresAt","revokedAt","active"}, ...]
 * POST   /consent                 {"participant","device","site","programme"[,"sync":true]}
 *                                 201 the record (+ "sync": opted in to per-subject sync)
 *                                 | 400 | 409 device bound to someone else
 * DELETE /consent/{participant}[?purpose=P]
 *                                 204 | 202 held (below) | 400 | 404 no active consent
 *                                 (withdraws every purpose, or only P)
 * POST   /consent/{participant}/erase  204 | 202 held | 400 | 404 nothing recorded
 * </pre>
 *
 * <p>Full disk: a withdrawal or erasure the ledger cannot write even after releasing its space
 * reserve is in force in memory at once (the gate admits nothing more for the subject and the
 * pipelines purge their state) and recorded as soon as the disk has room; the answer is {@code 202}
 * with {@code {"status": "withdrawn; purged in memory; ledger write pending (disk full)",
 * "subject": pseudonym, "ledger": "pending"}} ({@code "erased; …"} for an erasure). Any other
 * change on a full disk is refused with {@code 507} and {@code {"error": "disk full: …", "field":
 * "store"}}.
 *
 * <p>Every route requires the admin bearer token (401 without, 403 wrong; see {@code BearerAuth}).
 * Errors are JSON {@code {"error": message, "field": name}}; {@code field} names the offending
 * request field ({@code body} for an unreadable body). Request bodies are limited to {@value
 * #BODY_LIMIT} bytes (413 beyond). Store calls, and the gate refresh that makes a change effective
 * at once, run via {@code executeBlocking}, never on the event loop; a store failure is a 500 (507
 * when the disk is full).
 */
public final class ConsentHttpApi {
  public static final int BODY_LIMIT = 4096;

  /** {@code status} of a 202 answer to a withdrawal held in memory on a full disk. */
  public static final String WITHDRAWN_PENDING =
      "withdrawn; purged in memory; ledger write pending (disk full)";

  /** {@code status} of a 202 answer to an erasure held in memory on a full disk. */
  public static final String ERASED_PENDING =
      "erased; purged in memory; ledger write pending (disk full)";

  private static final Logger LOG = LoggerFactory.getLogger(ConsentHttpApi.class);

  private final Vertx vertx;
  private final ConsentStore store;
  private final ConsentGate gate;
  private final InstantSource clock;
  private final Handler<RoutingContext> auth;

  /**
   * @param auth runs first on every {@code /consent} route and calls {@code next()} only for an
   *     authorised request (the agent passes {@link org.affectgate.agent.admin.BearerAuth})
   */
  public ConsentHttpApi(
      Vertx vertx,
      ConsentStore store,
      ConsentGate gate,
      InstantSource clock,
      Handler<RoutingContext> auth) {
    this.vertx = vertx;
    this.store = store;
    this.gate = gate;
    this.clock = clock;
    this.auth = auth;
  }

  /** A new router with the consent routes; mount it or use it as the server's request handler. */
  public Router router() {
    Router router = Router.router(vertx);
    router.route("/consent*").handler(auth);
    router.get("/consent").handler(this::list);
    router.post("/consent").handler(BodyHandler.create(false).setBodyLimit(BODY_LIMIT));
    router.post("/consent").handler(this::grant);
    router.delete("/consent/:participant").handler(this::revoke);
    router.post("/consent/:participant/erase").handler(this::erase);
    return router;
  }

  private void list(RoutingContext ctx) {
    respond(
        ctx,
        vertx.executeBlocking(store::list),
        records -> {
          JsonArray out = new JsonArray();
          records.forEach(r -> out.add(toJson(r)));
          json(ctx, 200, out.encode());
        });
  }

  private void grant(RoutingContext ctx) {
    JsonObject body;
    try {
      body = ctx.body().available() ? ctx.body().asJsonObject() : null;
    } catch (DecodeException | ClassCastException e) {
      body = null;
    }
    if (body == null) {
      error(ctx, 400, "body", "body must be a JSON object");
      return;
    }
    String participant = text(body, "participant");
    String device = text(body, "device");
    String site = text(body, "site");
    String programme = text(body, "programme");
    Object syncValue = body.getValue("sync");
    if (syncValue != null && !(syncValue instanceof Boolean)) {
      error(ctx, 400, "sync", "sync must be true or false");
      return;
    }
    boolean sync = Boolean.TRUE.equals(syncValue);
    Map<String, Optional<String>> problems = new LinkedHashMap<>();
    problems.put("participant", ConsentIds.participantProblem("participant", participant));
    problems.put("device", ConsentIds.idProblem("device", device));
    problems.put("site", ConsentIds.idProblem("site", site));
    problems.put("programme", ConsentIds.idProblem("programme", programme));
    for (Map.Entry<String, Optional<String>> p : problems.entrySet()) {
      if (p.getValue().isPresent()) {
        error(ctx, 400, p.getKey(), p.getValue().get());
        return;
      }
    }
    respond(
        ctx,
        vertx.executeBlocking(
            () -> {
              Instant now = clock.instant();
              GrantOutcome outcome = store.grant(participant, device, site, programme, now);
              if (outcome == GrantOutcome.GRANTED && sync) {
                store.grantPurpose(participant, Purposes.WELLNESS_HR_SYNC, site, now, null);
              }
              gate.refresh();
              if (outcome != GrantOutcome.GRANTED) {
                return Optional.<ConsentRecord>empty();
              }
              String subject = store.subjectOf(participant);
              return store.list().stream()
                  .filter(r -> r.participantId().equals(subject))
                  .filter(r -> r.purpose().equals(ConsentStore.PURPOSE))
                  .findFirst();
            }),
        record -> {
          if (record.isPresent()) {
            json(ctx, 201, toJson(record.get()).put("sync", sync).encode());
          } else {
            error(
                ctx,
                409,
                "device",
                "device is bound to another participant with an active consent");
          }
        });
  }

  private void revoke(RoutingContext ctx) {
    String purpose = ctx.queryParams().get("purpose");
    if (purpose != null) {
      Optional<String> problem = Purposes.problem("purpose", purpose);
      if (problem.isEmpty() && purpose.equals(Purposes.ALL)) {
        problem = Optional.of("purpose '" + Purposes.ALL + "' is reserved for erase");
      }
      if (problem.isPresent()) {
        error(ctx, 400, "purpose", problem.get());
        return;
      }
    }
    endConsent(
        ctx,
        purpose == null ? store::withdrawAll : (p, at) -> store.withdrawOne(p, purpose, at),
        WITHDRAWN_PENDING,
        purpose == null
            ? "participant has no active consent"
            : "participant has no active consent for " + purpose);
  }

  private void erase(RoutingContext ctx) {
    endConsent(ctx, store::eraseAll, ERASED_PENDING, "nothing recorded for participant");
  }

  /**
   * A withdrawal of some kind: blocking store change, then gate refresh (which also applies a
   * withdrawal held in memory); 204, 202 (held: disk full), 400 or 404.
   */
  private void endConsent(
      RoutingContext ctx,
      BiFunction<String, Instant, WithdrawalOutcome> change,
      String heldStatus,
      String notFound) {
    String participant = ctx.pathParam("participant");
    Optional<String> problem = ConsentIds.participantProblem("participant", participant);
    if (problem.isPresent()) {
      error(ctx, 400, "participant", problem.get());
      return;
    }
    respond(
        ctx,
        vertx.executeBlocking(
            () -> {
              WithdrawalOutcome outcome = change.apply(participant, clock.instant());
              gate.refresh();
              return outcome;
            }),
        outcome -> {
          switch (outcome) {
            case RECORDED -> ctx.response().setStatusCode(204).end();
            case PENDING_DISK_FULL ->
                json(
                    ctx,
                    202,
                    new JsonObject()
                        .put("status", heldStatus)
                        .put("subject", store.subjectOf(participant))
                        .put("ledger", "pending")
                        .encode());
            case NOT_ACTIVE -> error(ctx, 404, "participant", notFound);
          }
        });
  }

  private static String text(JsonObject body, String key) {
    Object v = body.getValue(key);
    return v instanceof String s ? s : null;
  }

  private static <T> void respond(
      RoutingContext ctx, Future<T> work, java.util.function.Consumer<T> ok) {
    work.onComplete(
        ar -> {
          if (ar.succeeded()) {
            ok.accept(ar.result());
          } else if (ar.cause() instanceof ConsentStoreException e && e.diskFull()) {
            LOG.warn("Consent API: disk full: {}", ar.cause().toString());
            error(ctx, 507, "store", "disk full: nothing recorded; free space on the data disk");
          } else {
            LOG.warn("Consent API: store failure: {}", ar.cause().toString());
            error(ctx, 500, "store", "consent store unavailable");
          }
        });
  }

  private static void json(RoutingContext ctx, int status, String body) {
    ctx.response().setStatusCode(status).putHeader("content-type", "application/json").end(body);
  }

  private static void error(RoutingContext ctx, int status, String field, String message) {
    json(ctx, status, new JsonObject().put("error", message).put("field", field).encode());
  }

  static JsonObject toJson(ConsentRecord r) {
    return new JsonObject()
        .put("subject", r.participantId())
        .put("device", r.deviceId())
        .put("site", r.site())
        .put("programme", r.programme())
        .put("purpose", r.purpose())
        .put("grantedAt", r.grantedAt().toString())
        .put("expiresAt", r.expiresAt() == null ? null : r.expiresAt().toString())
        .put("revokedAt", r.revokedAt() == null ? null : r.revokedAt().toString())
        .put("active", r.active());
  }
}
