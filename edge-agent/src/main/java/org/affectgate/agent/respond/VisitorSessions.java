package org.affectgate.agent.respond;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import java.time.InstantSource;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import org.affectgate.agent.consent.Purposes;
import org.affectgate.features.face.FrameAnalysis;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The per-kiosk visitor sessions of the response path: one {@link VisitorFusion} per kiosk whose
 * current session holds {@code kiosk-adapt}, fed by the camera and voice paths, and the policy that
 * turns its states into messages for that kiosk only.
 *
 * <p>Publishing: a state is sent when it {@linkplain VisitorState#differsFrom differs} from the
 * last one sent by at least {@code respond.minChange} (or in flags, modalities or signal), and
 * never sooner than {@code respond.minInterval} after the previous message of that kiosk; a change
 * that comes too soon waits for {@link #tick} (the latest state replaces an earlier waiting one,
 * counted in {@code affectgate.respond.deferred}). An {@code ended} message is sent, at once and
 * whatever the rate, when the kiosk's {@code kiosk-adapt} consent ends (end, withdrawal, lapse).
 *
 * <p>Memory only. Admission: evidence is used only while {@link Admission} says the kiosk's current
 * session holds {@code kiosk-adapt}; else counted as {@code
 * affectgate.respond.evidence{outcome=no_consent}} and dropped. Because {@code KioskConsent} swaps
 * its state before it tells its listeners, a session created while its consent is being withdrawn
 * is found by the re-check after creation and ended there.
 *
 * <p>Threads: {@link #onFace}, {@link #onVoice} and {@link #tick} run on the response path's
 * event-loop context, one at a time. {@link #ended} runs on whichever thread ended the consent (the
 * MQTT or GPIO thread, the consent lane, the lapse check) and never waits for data work: it removes
 * the session (a lock-free map removal) and sends {@code ended}; the only wait is the session's
 * lock, which data work holds for one fusion call (microseconds), never for I/O.
 *
 * <p>Meters: {@code affectgate.respond.sessions} (gauge), {@code
 * affectgate.respond.evidence{modality=face|voice,outcome=used|no_consent}}, {@code
 * affectgate.respond.messages{type=state|rising|episode|ended}}, {@code
 * affectgate.respond.deferred}, {@code affectgate.respond.episodes}, {@code
 * affectgate.respond.listener.failures}.
 */
public final class VisitorSessions {
  private static final Logger LOG = LoggerFactory.getLogger(VisitorSessions.class);

  /** Whether a kiosk's current session holds {@code kiosk-adapt}. Any thread, lock-free. */
  @FunctionalInterface
  public interface Admission {
    boolean adapts(String site, String kioskId);
  }

  private record Key(String site, String kioskId) {}

  private static final class Session {
    final VisitorFusion fusion;
    long seq;
    VisitorState sent;
    long sentAtMs = Long.MIN_VALUE;
    long lastMs = Long.MIN_VALUE;
    VisitorState waiting;
    boolean ended;

    Session(VisitorFusion fusion) {
      this.fusion = fusion;
    }
  }

  private final RespondConfig config;
  private final Admission admission;
  private final VisitorFusion.Factory fusions;
  private final InstantSource clock;
  private final EpisodeListener episodes;
  private final MeterRegistry registry;
  private final Map<Key, Session> sessions = new ConcurrentHashMap<>();
  private final List<StateSink> sinks = new CopyOnWriteArrayList<>();
  private final Counter deferred;
  private final Counter episodeCount;
  private final Counter listenerFailures;

  VisitorSessions(
      RespondConfig config,
      Admission admission,
      VisitorFusion.Factory fusions,
      EpisodeListener episodes,
      InstantSource clock,
      MeterRegistry registry) {
    this.config = config;
    this.admission = admission;
    this.fusions = fusions;
    this.episodes = episodes;
    this.clock = clock;
    this.registry = registry;
    this.deferred = registry.counter("affectgate.respond.deferred");
    this.episodeCount = registry.counter("affectgate.respond.episodes");
    this.listenerFailures = registry.counter("affectgate.respond.listener.failures");
    registry.gauge("affectgate.respond.sessions", sessions, Map::size);
  }

  void addSink(StateSink sink) {
    sinks.add(sink);
  }

  /** One analysed camera frame of a kiosk (faces only, no pixel). Data context. */
  void onFace(String site, String kioskId, List<String> labels, FrameAnalysis frame) {
    Session s = admitted(site, kioskId, "face");
    if (s != null) {
      update(site, kioskId, s, now -> s.fusion.face(now, labels, frame));
    }
  }

  /** One analysed speech segment's distribution (never audio). Data context. */
  void onVoice(String site, String kioskId, float[] probabilities) {
    Session s = admitted(site, kioskId, "voice");
    if (s != null) {
      float[] p = probabilities.clone();
      update(site, kioskId, s, now -> s.fusion.voice(now, p));
    }
  }

  /**
   * Sends states that waited for the rate limit, and states that changed with time. Data context.
   */
  void tick() {
    sessions.forEach((k, s) -> update(k.site(), k.kioskId(), s, now -> {}));
  }

  /**
   * The {@code KioskConsent.EndListener}: when {@code kiosk-adapt} ended, forgets the kiosk's
   * session at once and sends {@code ended}; when only {@code kiosk-face} or {@code kiosk-voice}
   * ended, the fusion forgets that modality. Any thread; never waits for data work.
   */
  public void ended(String site, String kioskId, Set<String> purposes) {
    Key key = new Key(site, kioskId);
    if (purposes.contains(Purposes.KIOSK_ADAPT)) {
      end(key, sessions.remove(key));
      return;
    }
    Session s = sessions.get(key);
    if (s == null) {
      return;
    }
    synchronized (s) {
      long now = Math.max(clock.millis(), s.lastMs);
      if (purposes.contains(Purposes.KIOSK_FACE)) {
        s.fusion.forget(VisitorFusion.Modality.FACE, now);
      }
      if (purposes.contains(Purposes.KIOSK_VOICE)) {
        s.fusion.forget(VisitorFusion.Modality.VOICE, now);
      }
      s.lastMs = now;
    }
  }

  /** Kiosks with a live session. */
  int size() {
    return sessions.size();
  }

  private Session admitted(String site, String kioskId, String modality) {
    if (!admission.adapts(site, kioskId)) {
      evidence(modality, "no_consent");
      return null;
    }
    Key key = new Key(site, kioskId);
    Session s = sessions.computeIfAbsent(key, k -> new Session(fusions.create()));
    if (!admission.adapts(site, kioskId)) {
      // Withdrawn between the check and the creation: its listener may have run already.
      if (sessions.remove(key, s)) {
        end(key, s);
      }
      evidence(modality, "no_consent");
      return null;
    }
    evidence(modality, "used");
    return s;
  }

  private void evidence(String modality, String outcome) {
    registry
        .counter("affectgate.respond.evidence", "modality", modality, "outcome", outcome)
        .increment();
  }

  private interface Feed {
    void apply(long nowMs);
  }

  private void update(String site, String kioskId, Session s, Feed feed) {
    VisitorState episode = null;
    long now;
    synchronized (s) {
      if (s.ended) {
        return;
      }
      // The fusion wants non-decreasing times; the clock may step back (NTP).
      now = Math.max(clock.millis(), s.lastMs);
      s.lastMs = now;
      try {
        feed.apply(now);
      } catch (IllegalArgumentException e) {
        // Evidence the fusion refuses (labels, probabilities): a bug upstream, not a visitor's.
        listenerFailures.increment();
        LOG.error("kiosk {}: evidence refused by the fusion: {}", kioskId, e.getMessage());
        return;
      }
      VisitorState next = s.fusion.state(now).orElse(null);
      if (next != null) {
        if (next.signal() == VisitorState.Signal.EPISODE) {
          episode = next;
        }
        if (s.waiting != null
            && s.waiting.signal() != VisitorState.Signal.NONE
            && next.signal() == VisitorState.Signal.NONE) {
          next = next.withSignalOf(s.waiting); // a waiting warning is never replaced by a state
        }
        if (s.waiting != null || s.sent == null || s.sent.differsFrom(next, config.minChange())) {
          if (s.waiting != null && s.waiting != next) {
            deferred.increment();
          }
          s.waiting = next;
        }
      }
      if (s.waiting != null
          && (s.sentAtMs == Long.MIN_VALUE
              || now - s.sentAtMs >= config.minInterval().toMillis())) {
        VisitorState toSend = s.waiting;
        s.waiting = null;
        s.sent = toSend;
        s.sentAtMs = now;
        long seq = ++s.seq;
        // Sent under the lock, so that an end cannot slip between the check and the send: after
        // "ended" nothing more of this session goes out. The sinks never block.
        send(
            site,
            kioskId,
            StateJson.type(toSend.signal()),
            StateJson.state(kioskId, now, seq, toSend));
      }
    }
    if (episode != null) {
      episodeCount.increment();
      try {
        episodes.episode(site, kioskId, episode, now);
      } catch (RuntimeException e) {
        listenerFailures.increment();
        LOG.error("episode listener failed for kiosk {}: {}", kioskId, e.toString());
      }
    }
  }

  private void end(Key key, Session s) {
    long seq = 1;
    if (s != null) {
      synchronized (s) {
        s.ended = true;
        seq = s.seq + 1;
      }
    }
    send(key.site(), key.kioskId(), "ended", StateJson.ended(key.kioskId(), clock.millis(), seq));
  }

  private void send(String site, String kioskId, String type, byte[] json) {
    registry.counter("affectgate.respond.messages", "type", type).increment();
    for (StateSink sink : sinks) {
      sink.send(site, kioskId, type, json);
    }
  }
}
