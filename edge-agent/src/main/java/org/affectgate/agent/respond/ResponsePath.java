package org.affectgate.agent.respond;

import io.micrometer.core.instrument.MeterRegistry;
import io.vertx.core.Context;
import io.vertx.core.Vertx;
import io.vertx.ext.web.Router;
import java.time.InstantSource;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.affectgate.agent.voice.VoiceSegment;
import org.affectgate.device.mqtt.MqttTransport;
import org.affectgate.features.face.FrameAnalysis;

/**
 * The response path, top to bottom: sensing → fusion → state → kiosk.
 *
 * <pre>
 * CameraPipeline (event loop, frames that passed kiosk-face consent) ─┐
 * VoiceStage (voice worker, segments that passed kiosk-voice consent) ─┤ runOnContext
 *                                                                      ▼   (respond event loop)
 *   VisitorSessions   kiosk-adapt admission → one VisitorFusion per kiosk session → state ≤ rate,
 *                     on meaningful change → EpisodeListener on an episode
 *     ├─ MqttStatePublisher  {prefix}/{site}/kiosk/{kioskId}/state, QoS 0, never retained
 *     └─ StateEvents         GET /kiosk/{kioskId}/state, SSE, per-kiosk token
 * KioskConsent end listeners (any thread) → VisitorSessions.ended: session dropped, "ended" sent
 * </pre>
 *
 * There is no path to the outbox: nothing here holds an {@code Outbox} or {@code EgressGate}, and
 * the egress gate admits only its allow-listed measurements, none of which is a state.
 *
 * <p>Threads: {@link #onFaces} and {@link #onVoice} may be called from any thread and never block
 * (they hop to the path's own event-loop context). {@link #open}, {@link #attach}, {@link #mount}
 * and {@link #close} run on the start-up thread.
 */
public final class ResponsePath implements AutoCloseable {
  /** How often deferred states are sent and states re-evaluated, ms. */
  static final long TICK_MS = 100;

  private final RespondConfig config;
  private final String site;
  private final Vertx vertx;
  private final Context context;
  private final VisitorSessions sessions;
  private final StateEvents events;
  private final InstantSource clock;
  private final MeterRegistry registry;
  private long timer = -1;

  private ResponsePath(
      RespondConfig config,
      String site,
      Vertx vertx,
      VisitorSessions sessions,
      StateEvents events,
      InstantSource clock,
      MeterRegistry registry) {
    this.config = config;
    this.site = site;
    this.vertx = vertx;
    this.context = vertx.getOrCreateContext();
    this.sessions = sessions;
    this.events = events;
    this.clock = clock;
    this.registry = registry;
  }

  /**
   * Builds the sessions and the SSE sink and starts the tick; the caller registers {@link #ended}
   * as a kiosk consent end listener.
   *
   * @throws IllegalArgumentException naming {@code respond.kioskTokens.<kioskId>} when a token file
   *     is missing or invalid
   */
  public static ResponsePath open(
      RespondConfig config,
      String site,
      Vertx vertx,
      VisitorSessions.Admission admission,
      EpisodeListener episodes,
      InstantSource clock,
      MeterRegistry registry) {
    KioskTokens tokens = KioskTokens.load(config.kioskTokens());
    VisitorSessions sessions =
        new VisitorSessions(
            config,
            admission,
            () -> new FusionSession(config.fusion(), config.episode()),
            episodes,
            clock,
            registry);
    StateEvents events =
        new StateEvents(site, tokens, config.maxSseClientsPerKiosk(), registry, clock);
    sessions.addSink(events);
    ResponsePath path = new ResponsePath(config, site, vertx, sessions, events, clock, registry);
    path.context.runOnContext(
        v -> path.timer = vertx.setPeriodic(TICK_MS, id -> path.sessions.tick()));
    return path;
  }

  /** Publishes states over MQTT and watches the state topics for foreign publishers. */
  public void attach(MqttTransport transport, String prefix) {
    MqttStatePublisher publisher = new MqttStatePublisher(transport, prefix, registry, clock);
    sessions.addSink(publisher);
    new ForeignStateGuard(publisher, registry, clock).subscribe(transport, prefix, site);
  }

  /** Mounts the SSE route; before any route that guards {@code /kiosk/*} with the admin token. */
  public void mount(Router router) {
    events.mount(router);
  }

  /** The kiosks' tokens, for {@link KioskPage}. */
  KioskTokens tokens() {
    return events.tokens();
  }

  /** The camera path's {@code FaceListener}. Any thread; never blocks. */
  public void onFaces(String site, String kioskId, List<String> labels, FrameAnalysis analysis) {
    context.runOnContext(v -> sessions.onFace(site, kioskId, labels, analysis));
  }

  /** The voice path's segment listener. Any thread; never blocks. */
  public void onVoice(VoiceSegment segment) {
    float[] p = segment.estimate().probabilities().clone();
    context.runOnContext(v -> sessions.onVoice(segment.site(), segment.kioskId(), p));
  }

  /** The kiosk consent end listener. Any thread; never waits for data work. */
  public void ended(String site, String kioskId, java.util.Set<String> purposes) {
    sessions.ended(site, kioskId, purposes);
  }

  /** For {@code /status}: live sessions and open SSE streams; no kiosk's state. */
  public Map<String, Object> status() {
    Map<String, Object> out = new LinkedHashMap<>();
    out.put("sessions", sessions.size());
    out.put("maxRateHz", 1000.0 / config.minInterval().toMillis());
    return out;
  }

  @Override
  public void close() {
    long t = timer;
    if (t >= 0) {
      vertx.cancelTimer(t);
    }
  }
}
