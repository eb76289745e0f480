package org.affectgate.device.gpio;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import java.time.Instant;

/**
 * Binds the consent button to the presence sensor's sessions: a press grants consent for the
 * <em>current</em> session, a long press withdraws it, and a session that closes while consent is
 * granted withdraws it first (consent never outlives the visit). A press while no session is open
 * grants nothing (counted in {@code affectgate.gpio.kiosk.gestures_ignored}); a repeated grant or a
 * withdrawal without a grant is a no-op.
 *
 * <p>Wire it as the {@link PresenceListener} of a {@link PresenceTracker} and the {@link
 * ConsentGestureListener} of a {@link ConsentButton}. Threads: both may call from the GPIO event
 * thread or their tick timers; methods are synchronized and the listener is called under the lock,
 * so it sees events in order.
 */
public final class KioskSessionFlow implements PresenceListener, ConsentGestureListener {
  private final KioskSessionListener listener;
  private final Counter ignored;
  private long session;
  private boolean granted;

  public KioskSessionFlow(KioskSessionListener listener, MeterRegistry registry) {
    this.listener = listener;
    this.ignored = registry.counter("affectgate.gpio.kiosk.gestures_ignored");
  }

  @Override
  public synchronized void sessionOpened(long s, Instant at) {
    session = s;
    granted = false;
    listener.sessionOpened(s, at);
  }

  @Override
  public synchronized void sessionClosed(long s, Instant at) {
    if (s != session) {
      return;
    }
    if (granted) {
      granted = false;
      listener.consentWithdrawn(s, at, true);
    }
    session = 0;
    listener.sessionClosed(s, at);
  }

  @Override
  public synchronized void onGesture(ConsentGesture gesture, Instant at) {
    if (session == 0) {
      ignored.increment();
      return;
    }
    if (gesture == ConsentGesture.GRANT && !granted) {
      granted = true;
      listener.consentGranted(session, at);
    } else if (gesture == ConsentGesture.WITHDRAW && granted) {
      granted = false;
      listener.consentWithdrawn(session, at, false);
    }
  }

  /** The open session, or 0. */
  public synchronized long currentSession() {
    return session;
  }

  /** Whether the open session has consent. */
  public synchronized boolean granted() {
    return granted;
  }
}
