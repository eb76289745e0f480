package org.affectgate.agent.operator;

import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.composite.CompositeMeterRegistry;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.vertx.core.Handler;
import io.vertx.ext.web.RoutingContext;
import java.util.Optional;

/**
 * {@code GET /metrics}: every meter of the agent in the Prometheus text exposition format (version
 * 0.0.4), for a Prometheus server to scrape. Meter names, units and what to do when they move are
 * in {@code edge-agent/docs/metrics.md}.
 *
 * <p>No token, like {@code /status}: the meters carry counts, durations and configured names (site,
 * MQTT client id, reasons, formats) but no participant, pseudonym, device or session id, and the
 * admin server binds to loopback unless {@code http.host} says otherwise. An operator who binds it
 * to a LAN address exposes these numbers to that LAN (see docs/metrics.md, "Access").
 *
 * <p>Runs on the event loop: a scrape reads in-memory meter values only (a few hundred series, well
 * under a millisecond).
 */
final class MetricsEndpoint implements Handler<RoutingContext> {
  static final String CONTENT_TYPE = "text/plain; version=0.0.4; charset=utf-8";

  private final PrometheusMeterRegistry registry;

  MetricsEndpoint(PrometheusMeterRegistry registry) {
    this.registry = registry;
  }

  /**
   * The Prometheus registry that receives the agent's meters: {@code registry} itself, or the first
   * Prometheus registry inside a composite; empty when there is none (an agent started with another
   * registry, as many tests do, serves no {@code /metrics}).
   */
  static Optional<PrometheusMeterRegistry> find(MeterRegistry registry) {
    if (registry instanceof PrometheusMeterRegistry p) {
      return Optional.of(p);
    }
    if (registry instanceof CompositeMeterRegistry c) {
      for (MeterRegistry child : c.getRegistries()) {
        Optional<PrometheusMeterRegistry> p = find(child);
        if (p.isPresent()) {
          return p;
        }
      }
    }
    return Optional.empty();
  }

  @Override
  public void handle(RoutingContext ctx) {
    ctx.response().putHeader("content-type", CONTENT_TYPE).end(registry.scrape());
  }
}
