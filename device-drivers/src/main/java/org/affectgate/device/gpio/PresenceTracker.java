package org.affectgate.device.gpio;

import java.time.Instant;
import java.time.InstantSource;

/**
 * Turns a PIR line into kiosk sessions: motion opens a session when none is open; the session
 * closes once no motion has been reported for {@link PresenceConfig#hold()} (the hysteresis that
 * keeps one visit one session across PIR re-triggers).
 *
 * <p>Closing needs time to pass without a line change, so the owner calls {@link #tick()}
 * periodically (e.g. every 250 ms); a close is reported with the time it became due, not the
 * tick's.
 *
 * <p>Threads: {@link #onLevel} on the GPIO event thread, {@link #tick()} on the owner's timer; both
 * synchronized. Time comes from the injected clock only.
 */
public final class PresenceTracker implements LevelListener {
  private final PresenceConfig config;
  private final InstantSource clock;
  private final PresenceListener listener;
  private long session;
  private boolean open;
  private boolean motion;
  private Instant lastMotionEnd;

  public PresenceTracker(PresenceConfig config, InstantSource clock, PresenceListener listener) {
    this.config = config;
    this.clock = clock;
    this.listener = listener;
  }

  /** Attaches this tracker to {@code line}, taking its current level as the first reading. */
  public PresenceTracker attach(LevelInput line) {
    line.listen(this);
    onLevel(line.isHigh());
    return this;
  }

  @Override
  public synchronized void onLevel(boolean high) {
    Instant now = clock.instant();
    closeIfDue(now);
    boolean isMotion = high != config.activeLow();
    if (isMotion == motion) {
      return;
    }
    motion = isMotion;
    if (isMotion) {
      if (!open) {
        open = true;
        session++;
        listener.sessionOpened(session, now);
      }
    } else {
      lastMotionEnd = now;
    }
  }

  /** Closes the session when the hold time since the last motion has passed. */
  public synchronized void tick() {
    closeIfDue(clock.instant());
  }

  /** The open session's number, or 0 when none is open. */
  public synchronized long currentSession() {
    return open ? session : 0;
  }

  private void closeIfDue(Instant now) {
    if (open && !motion) {
      Instant due = lastMotionEnd.plus(config.hold());
      if (!now.isBefore(due)) {
        open = false;
        listener.sessionClosed(session, due);
      }
    }
  }
}
