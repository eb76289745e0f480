package org.affectgate.agent.pipeline;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServer;
import io.vertx.ext.web.Router;
import org.affectgate.agent.admin.AdminToken;
import org.affectgate.agent.admin.BearerAuth;
import org.affectgate.agent.config.AgentConfig;
import org.affectgate.agent.consent.ConsentHttpApi;
import org.affectgate.agent.consent.KioskConsentHttpApi;
import org.affectgate.agent.context.DeploymentContextGuard;
import org.affectgate.agent.escalation.Escalations;
import org.affectgate.agent.escalation.StaffHttp;
import org.affectgate.agent.models.ModelsHttp;
import org.affectgate.agent.operator.OperatorPage;
import org.affectgate.agent.respond.KioskPage;
import org.affectgate.agent.respond.ResponsePath;
import org.affectgate.agent.status.StatusHandler;
import org.affectgate.device.mqtt.MqttTransport;

/**
 * The admin HTTP server's assembly: consent APIs and staff escalation acknowledgements behind the
 * bearer token, {@code /status}, and the operator page at {@code /} with {@code /metrics} ({@link
 * OperatorPage}).
 */
final class AdminHttp {
  private AdminHttp() {}

  /**
   * Loads (or creates) the admin token, mounts the consent and kiosk consent APIs and {@code
   * /status}, and listens on {@code http.host:http.port}, blocking the start-up thread until bound.
   * The caller closes the server. {@code respond} (null when off) adds the kiosk state stream.
   *
   * @throws IllegalStateException naming {@code http.host/http.port} when the port cannot be bound
   */
  static HttpServer listen(
      Wiring w,
      Vertx vertx,
      Stores stores,
      MqttTransport transport,
      KioskPaths kiosk,
      DeploymentContextGuard contextGuard,
      Escalations escalations,
      ResponsePath respond) {
    AgentConfig config = w.config();
    AdminToken token = AdminToken.loadOrCreate(config.http().tokenFile());
    BearerAuth auth = new BearerAuth(token, w.registry(), w.clock());
    Router router =
        new ConsentHttpApi(vertx, stores.consentStore(), stores.gate(), w.clock(), auth).router();
    if (respond != null) {
      respond.mount(router); // before the admin token's /kiosk/* guard: kiosk tokens only
      KioskPage.mount(router, vertx, respond, stores.kioskConsent(), config.site(), w.registry());
    }
    new KioskConsentHttpApi(vertx, stores.kioskConsent(), config.site(), auth, w.registry())
        .mount(router);
    StatusHandler status =
        new StatusHandler(config, transport, stores.syncLoop(), w.registry(), contextGuard);
    status.section("kioskSessions", stores.kioskConsent()::status);
    kiosk.addStatus(status);
    StaffHttp.mount(router, auth, escalations);
    ModelsHttp.mount(router, auth, w.models());
    status.section("models", w.models()::status);
    status.section("escalations", escalations::status);
    if (respond != null) {
      status.section("respond", respond::status);
    }
    router.get("/status").handler(status);
    OperatorPage.mount(
        router, vertx, config, status, stores.consentStore(), w.models(), w.registry(), w.clock());
    return vertx
        .createHttpServer()
        .requestHandler(router)
        .listen(config.http().port(), config.http().host())
        .transform(
            ar ->
                ar.succeeded()
                    ? Future.succeededFuture(ar.result())
                    : Future.failedFuture(
                        new IllegalStateException(
                            "cannot listen on "
                                + config.http().host()
                                + ":"
                                + config.http().port()
                                + " (http.host/http.port): "
                                + ar.cause().getMessage(),
                            ar.cause())))
        .await();
  }
}
