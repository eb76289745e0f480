package org.affectgate.agent.respond;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.vertx.core.Context;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpServerResponse;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.InstantSource;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import org.affectgate.common.log.RateLimitedLog;
import org.slf4j.LoggerFactory;

/**
 * {@code GET /kiosk/{kioskId}/state}: the kiosk's state messages as Server-Sent Events ({@code
 * event: state|rising|episode|ended}, {@code data:} the {@link StateJson} bytes), for the kiosk's
 * browser app. Authorised by that kiosk's own token ({@link KioskTokens}), as {@code Authorization:
 * Bearer <token>} or, for a browser's {@code EventSource} (which cannot set headers), the query
 * parameter {@code access_token} (RFC 6750 §2.3); the admin token opens nothing here. Refusals,
 * each counted in {@code affectgate.respond.sse.refused{reason}} and logged rate-limited (path
 * only, never the token):
 *
 * <ul>
 *   <li>{@code unknown_kiosk} (404): no token is configured for that kiosk id;
 *   <li>{@code missing_token} (401): no token presented;
 *   <li>{@code wrong_token} (403): not this kiosk's token (another kiosk's included);
 *   <li>{@code too_many_clients} (503, {@code Retry-After: 5}): the kiosk already has {@code
 *       respond.maxSseClientsPerKiosk} streams open.
 * </ul>
 *
 * <p>A client whose write queue is full (it stopped reading) loses messages, counted in {@code
 * affectgate.respond.sse.dropped}; {@code ended} is always written. Streams stay open across
 * sessions. Writes happen on each client's own event-loop context; {@link #send} may be called from
 * any thread and never blocks.
 */
final class StateEvents implements StateSink {
  static final String PATH = "/kiosk/:kioskId/state";

  private record Client(HttpServerResponse response, Context context) {}

  private final String site;
  private final KioskTokens tokens;
  private final int maxClients;
  private final MeterRegistry registry;
  private final RateLimitedLog log;
  private final Counter dropped;
  private final Map<String, Set<Client>> clients = new ConcurrentHashMap<>();

  StateEvents(
      String site,
      KioskTokens tokens,
      int maxClients,
      MeterRegistry registry,
      InstantSource clock) {
    this.site = site;
    this.tokens = tokens;
    this.maxClients = maxClients;
    this.registry = registry;
    this.log =
        new RateLimitedLog(
            LoggerFactory.getLogger(StateEvents.class), clock, Duration.ofSeconds(10));
    this.dropped = registry.counter("affectgate.respond.sse.dropped");
    registry.gauge(
        "affectgate.respond.sse.clients",
        clients,
        m -> m.values().stream().mapToInt(Set::size).sum());
  }

  /**
   * Adds the route; mount it before any route that guards {@code /kiosk/*} with the admin token.
   */
  void mount(Router router) {
    router.get(PATH).handler(this::open);
  }

  private void open(RoutingContext ctx) {
    String kioskId = ctx.pathParam("kioskId");
    if (kioskId == null || !tokens.has(kioskId)) {
      refuse(ctx, 404, "unknown_kiosk", "no state stream for this kiosk");
      return;
    }
    String token = presented(ctx);
    if (token == null) {
      refuse(ctx, 401, "missing_token", "kiosk token required");
      return;
    }
    if (!tokens.matches(kioskId, token)) {
      refuse(ctx, 403, "wrong_token", "not this kiosk's token");
      return;
    }
    HttpServerResponse response = ctx.response();
    Client client = new Client(response, Vertx.currentContext());
    Set<Client> mine = clients.computeIfAbsent(kioskId, k -> ConcurrentHashMap.newKeySet());
    synchronized (mine) {
      if (mine.size() >= maxClients) {
        response.putHeader("Retry-After", "5");
        refuse(ctx, 503, "too_many_clients", "too many state streams for this kiosk");
        return;
      }
      mine.add(client);
    }
    response.closeHandler(v -> mine.remove(client));
    response.exceptionHandler(e -> mine.remove(client));
    response
        .setStatusCode(200)
        .setChunked(true)
        .putHeader("Content-Type", "text/event-stream; charset=utf-8")
        .putHeader("Cache-Control", "no-store")
        .putHeader("X-Accel-Buffering", "no")
        .write(": affectgate kiosk state stream\n\n");
  }

  private static String presented(RoutingContext ctx) {
    String header = ctx.request().getHeader("Authorization");
    if (header != null && header.regionMatches(true, 0, "Bearer ", 0, 7)) {
      String t = header.substring(7).strip();
      return t.isEmpty() ? null : t;
    }
    String q = ctx.request().getParam("access_token");
    return q == null || q.isEmpty() ? null : q;
  }

  private void refuse(RoutingContext ctx, int status, String reason, String message) {
    registry.counter("affectgate.respond.sse.refused", "reason", reason).increment();
    log.warn(
        "kiosk state stream {} from {} refused: {}",
        ctx.request().path(),
        ctx.request().remoteAddress(),
        reason);
    ctx.response()
        .setStatusCode(status)
        .putHeader("Content-Type", "application/json")
        .end("{\"error\":\"" + message + "\",\"reason\":\"" + reason + "\"}");
  }

  @Override
  public void send(String messageSite, String kioskId, String type, byte[] json) {
    if (!site.equals(messageSite)) {
      return;
    }
    Set<Client> mine = clients.get(kioskId);
    if (mine == null || mine.isEmpty()) {
      return;
    }
    Buffer event =
        Buffer.buffer(json.length + 32)
            .appendString("event: " + type + "\ndata: ")
            .appendBytes(json)
            .appendString("\n\n", StandardCharsets.UTF_8.name());
    boolean always = type.equals("ended");
    for (Client c : mine) {
      c.context()
          .runOnContext(
              v -> {
                if (!always && c.response().writeQueueFull()) {
                  dropped.increment();
                  return;
                }
                if (!c.response().ended() && !c.response().closed()) {
                  c.response().write(event);
                }
              });
    }
  }

  KioskTokens tokens() {
    return tokens;
  }

  /** Open streams of {@code kioskId}; for tests and status. */
  int clients(String kioskId) {
    Set<Client> mine = clients.get(kioskId);
    return mine == null ? 0 : mine.size();
  }
}
