package org.affectgate.agent.admin;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.vertx.core.Handler;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.RoutingContext;
import java.time.Duration;
import java.time.InstantSource;
import org.affectgate.common.log.RateLimitedLog;
import org.slf4j.LoggerFactory;

/**
 * Requires {@code Authorization: Bearer <token>} on the routes it guards: no or malformed header →
 * 401 with {@code WWW-Authenticate: Bearer}; a wrong token → 403. Both are counted in {@code
 * affectgate.http.auth.rejected{reason=missing|invalid}} and logged rate-limited with the method,
 * path and remote address, never the header. Runs on the event loop (no I/O).
 */
public final class BearerAuth implements Handler<RoutingContext> {
  private static final String PREFIX = "Bearer ";

  private final AdminToken token;
  private final Counter missing;
  private final Counter invalid;
  private final RateLimitedLog log;

  public BearerAuth(AdminToken token, MeterRegistry registry, InstantSource clock) {
    this.token = token;
    this.missing = registry.counter("affectgate.http.auth.rejected", "reason", "missing");
    this.invalid = registry.counter("affectgate.http.auth.rejected", "reason", "invalid");
    this.log =
        new RateLimitedLog(
            LoggerFactory.getLogger(BearerAuth.class), clock, Duration.ofSeconds(10));
  }

  @Override
  public void handle(RoutingContext ctx) {
    String header = ctx.request().getHeader("Authorization");
    if (header == null || !header.regionMatches(true, 0, PREFIX, 0, PREFIX.length())) {
      missing.increment();
      reject(ctx, 401, "bearer token required");
      return;
    }
    if (!token.matches(header.substring(PREFIX.length()).strip())) {
      invalid.increment();
      reject(ctx, 403, "invalid bearer token");
      return;
    }
    ctx.next();
  }

  private void reject(RoutingContext ctx, int status, String message) {
    log.warn(
        "Admin API: {} {} from {} refused: {}",
        ctx.request().method(),
        ctx.request().path(),
        ctx.request().remoteAddress(),
        message);
    var response =
        ctx.response().setStatusCode(status).putHeader("content-type", "application/json");
    if (status == 401) {
      response.putHeader("WWW-Authenticate", "Bearer realm=\"affectgate\"");
    }
    response.end(new JsonObject().put("error", message).put("field", "authorization").encode());
  }
}
