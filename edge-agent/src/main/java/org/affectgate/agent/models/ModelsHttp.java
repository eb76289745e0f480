package org.affectgate.agent.models;

import io.vertx.core.Context;
import io.vertx.core.Handler;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;

/**
 * {@code POST /models/reload} behind the admin token: asks {@link ModelSwaps} to re-read the
 * manifest now and answers when the reload thread is done: 200 {@code {"outcome": "applied" |
 * "unchanged", "detail": ...}}, or 422 {@code {"outcome": "failed", "detail": <reason>}} when a
 * model was refused (the running models are kept). The handler only hands the request over: the
 * reload (file reads, model loads) runs on the reload thread, never the event loop.
 */
public final class ModelsHttp {
  private ModelsHttp() {}

  /** Mounts the route on {@code router} behind {@code auth}. */
  public static void mount(Router router, Handler<RoutingContext> auth, ModelSwaps swaps) {
    router.post("/models/reload").handler(auth).handler(ctx -> reload(ctx, swaps));
  }

  private static void reload(RoutingContext ctx, ModelSwaps swaps) {
    Context context = Vertx.currentContext();
    swaps
        .requestReload("admin request")
        .whenComplete(
            (result, error) ->
                context.runOnContext(
                    v -> {
                      if (error != null) {
                        respond(ctx, 500, "failed", "reload failed: " + error);
                        return;
                      }
                      respond(
                          ctx,
                          result.outcome() == ModelSwaps.Outcome.FAILED ? 422 : 200,
                          result.outcome().name().toLowerCase(java.util.Locale.ROOT),
                          result.detail());
                    }));
  }

  private static void respond(RoutingContext ctx, int status, String outcome, String detail) {
    ctx.response()
        .setStatusCode(status)
        .putHeader("content-type", "application/json")
        .end(new JsonObject().put("outcome", outcome).put("detail", detail).encode());
  }
}
