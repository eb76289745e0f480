package org.affectgate.device.gpio;

import java.time.Duration;
import java.time.Instant;
import java.time.InstantSource;

/**
 * Debounced consent button: a press shorter than {@link ButtonConfig#longPress()} is {@link
 * ConsentGesture#GRANT} (reported on release); holding it for the long-press time is {@link
 * ConsentGesture#WITHDRAW}, reported as soon as the time is reached (on {@link #tick()}) or at the
 * latest on release. One gesture per press.
 *
 * <p>Debouncing is leading-edge with a lock-out: the first change of the line is accepted at once
 * (a press reacts without delay) and further changes within {@link ButtonConfig#debounce()} are
 * bounce. A real change that fell inside the lock-out (a very short tap) is not lost: the line's
 * latest raw level is kept, and once the lock-out has passed, {@link #tick()} or the next change
 * settles the button to it, timed at the raw change.
 *
 * <p>Threads: {@link #onLevel} is called on the GPIO event thread, {@link #tick()} from a periodic
 * timer of the owner (every 10–50 ms is plenty); both are synchronized. Time comes from the
 * injected clock only.
 */
public final class ConsentButton implements LevelListener {
  private final ButtonConfig config;
  private final InstantSource clock;
  private final ConsentGestureListener listener;

  private boolean pressed;
  private Instant pressedAt;
  private Instant acceptedAt = Instant.MIN;
  private boolean rawPressed;
  private Instant rawAt = Instant.MIN;
  private boolean gestureSent;
  private long bounces;

  public ConsentButton(ButtonConfig config, InstantSource clock, ConsentGestureListener listener) {
    this.config = config;
    this.clock = clock;
    this.listener = listener;
  }

  /** Attaches this button to {@code line}. */
  public ConsentButton attach(LevelInput line) {
    line.listen(this);
    return this;
  }

  @Override
  public synchronized void onLevel(boolean high) {
    Instant now = clock.instant();
    settle(now);
    boolean isPressed = high != config.activeLow();
    if (isPressed == rawPressed) {
      return;
    }
    rawPressed = isPressed;
    rawAt = now;
    if (isPressed == pressed) {
      return;
    }
    if (Duration.between(acceptedAt, now).compareTo(config.debounce()) < 0) {
      bounces++;
      return;
    }
    accept(isPressed, now);
  }

  /** Settles a change that fell inside the lock-out and reports a long press that is due. */
  public synchronized void tick() {
    Instant now = clock.instant();
    settle(now);
    if (pressed && !gestureSent && held(now)) {
      gestureSent = true;
      listener.onGesture(ConsentGesture.WITHDRAW, pressedAt.plus(config.longPress()));
    }
  }

  /** Changes ignored as contact bounce since start. */
  public synchronized long bounces() {
    return bounces;
  }

  private void settle(Instant now) {
    if (rawPressed != pressed
        && Duration.between(acceptedAt, now).compareTo(config.debounce()) >= 0) {
      accept(rawPressed, rawAt.isAfter(acceptedAt) ? rawAt : now);
    }
  }

  private void accept(boolean isPressed, Instant at) {
    pressed = isPressed;
    acceptedAt = at;
    if (isPressed) {
      pressedAt = at;
      gestureSent = false;
      return;
    }
    if (!gestureSent) {
      gestureSent = true;
      listener.onGesture(held(at) ? ConsentGesture.WITHDRAW : ConsentGesture.GRANT, at);
    }
  }

  private boolean held(Instant now) {
    return Duration.between(pressedAt, now).compareTo(config.longPress()) >= 0;
  }
}
