package org.affectgate.agent.operator;

import io.micrometer.core.instrument.MeterRegistry;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpServerResponse;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.time.Duration;
import java.time.InstantSource;
import org.affectgate.agent.config.AgentConfig;
import org.affectgate.agent.consent.ConsentStore;
import org.affectgate.agent.models.RunningModels;
import org.affectgate.agent.status.StatusHandler;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Mounts the operator routes on the admin router: {@code GET /} (the operator page: HTML, CSS and a
 * small script that polls {@code /operator/state.json} every {@value #POLL_MS} ms) and {@code GET
 * /metrics} (Prometheus, when the agent's registry has a Prometheus registry).
 *
 * <p>No token, like {@code /status}: nothing on these routes names a person, a device or a session
 * (see {@link OperatorView}), and the admin server binds to loopback by default. The page's three
 * files are read from the classpath into memory at start-up (never extracted to disk, so the agent
 * needs no writable working directory) and served with a content security policy that allows only
 * this origin's script and style.
 */
public final class OperatorPage {
  private static final Logger LOG = LoggerFactory.getLogger(OperatorPage.class);

  /** How often the page polls its JSON document, in milliseconds (the script reads it). */
  static final int POLL_MS = 2000;

  /** The ledger is counted at most this often, however many pages poll. */
  static final Duration CONSENT_COUNT_MAX_AGE = Duration.ofSeconds(2);

  static final String CSP =
      "default-src 'none'; script-src 'self'; style-src 'self'; connect-src 'self'; img-src 'self'";

  private OperatorPage() {}

  /**
   * Adds the routes to {@code router}. Call on the start-up thread before the server listens.
   *
   * @param status the agent's {@code /status} handler, which the page's document is built from
   * @param models the versions of the models running now, read at every render
   */
  public static void mount(
      Router router,
      Vertx vertx,
      AgentConfig config,
      StatusHandler status,
      ConsentStore consentStore,
      RunningModels models,
      MeterRegistry registry,
      InstantSource clock) {
    OperatorView view =
        new OperatorView(
            config,
            status,
            registry,
            new ConsentCounts(vertx, consentStore, clock, CONSENT_COUNT_MAX_AGE),
            ModelsInUse.of(config, models),
            clock);
    Buffer html = resource("index.html");
    Buffer js = resource("app.js");
    Buffer css = resource("style.css");
    router.get("/").handler(ctx -> file(ctx, "text/html; charset=utf-8", html));
    router.get("/operator/app.js").handler(ctx -> file(ctx, "text/javascript; charset=utf-8", js));
    router.get("/operator/style.css").handler(ctx -> file(ctx, "text/css; charset=utf-8", css));
    router
        .get("/operator/state.json")
        .handler(
            ctx ->
                view.state()
                    .onSuccess(doc -> headers(ctx, "application/json").end(doc.encodePrettily()))
                    .onFailure(
                        e -> {
                          LOG.warn("operator page: consent counts unavailable: {}", e.toString());
                          headers(ctx, "application/json")
                              .setStatusCode(503)
                              .end(
                                  new JsonObject()
                                      .put("error", "consent ledger unreadable")
                                      .encode());
                        }));
    MetricsEndpoint.find(registry)
        .ifPresentOrElse(
            p -> router.get("/metrics").handler(new MetricsEndpoint(p)),
            () -> LOG.info("no Prometheus registry: GET /metrics is not served"));
  }

  private static void file(RoutingContext ctx, String type, Buffer body) {
    headers(ctx, type).end(body);
  }

  private static HttpServerResponse headers(RoutingContext ctx, String type) {
    return ctx.response()
        .putHeader("content-type", type)
        .putHeader("cache-control", "no-store")
        .putHeader("x-content-type-options", "nosniff")
        .putHeader("content-security-policy", CSP);
  }

  private static Buffer resource(String name) {
    String path = "/operator/" + name;
    try (InputStream in = OperatorPage.class.getResourceAsStream(path)) {
      if (in == null) {
        throw new IllegalStateException("operator page resource missing from the jar: " + path);
      }
      return Buffer.buffer(in.readAllBytes());
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read operator page resource " + path, e);
    }
  }
}
