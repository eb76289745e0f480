package org.affectgate.agent.escalation;

import io.vertx.core.Handler;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;

/**
 * {@code POST /staff/escalation/{id}/ack} behind the admin bearer token: acknowledges an
 * escalation. Answers 200 {@code {"id", "outcome": "acknowledged"}}; 400 for an id that is not an
 * escalation id ({@code malformed_id}); 404 {@code unknown_id}; 409 {@code duplicate}; 410 {@code
 * expired}. Each refusal is counted in {@code affectgate.escalation.ack.rejected{reason}}. Runs on
 * the event loop: {@link Escalations#acknowledge} never blocks.
 */
public final class StaffHttp {
  private StaffHttp() {}

  /**
   * Mounts the route on {@code router} behind {@code auth}.
   *
   * @param auth the admin token check (e.g. {@code org.affectgate.agent.admin.BearerAuth})
   */
  public static void mount(Router router, Handler<RoutingContext> auth, Escalations escalations) {
    router.post("/staff/escalation/:id/ack").handler(auth).handler(ctx -> ack(ctx, escalations));
  }

  private static void ack(RoutingContext ctx, Escalations escalations) {
    String id = ctx.pathParam("id");
    if (id == null || !id.matches(EscalationTopics.ID_PATTERN)) {
      escalations.ackMalformed("malformed_id", "HTTP path " + ctx.request().path());
      reply(ctx, 400, id, "malformed_id");
      return;
    }
    Escalations.Ack result = escalations.acknowledge(id, "http");
    switch (result) {
      case ACKNOWLEDGED -> reply(ctx, 200, id, "acknowledged");
      case UNKNOWN -> reply(ctx, 404, id, "unknown_id");
      case DUPLICATE -> reply(ctx, 409, id, "duplicate");
      case EXPIRED -> reply(ctx, 410, id, "expired");
    }
  }

  private static void reply(RoutingContext ctx, int status, String id, String outcome) {
    ctx.response()
        .setStatusCode(status)
        .putHeader("content-type", "application/json")
        .end(
            new JsonObject()
                .put("id", id != null && id.length() <= 64 ? id : null)
                .put("outcome", outcome)
                .encode());
  }
}
