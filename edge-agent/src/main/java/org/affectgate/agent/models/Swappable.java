package org.affectgate.agent.models;

import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One model (or nothing) that can be replaced while inferences run: an {@link AtomicReference} to
 * the current value plus a reference count per value, so a value is closed only after the last
 * inference that borrowed it has returned, never under it.
 *
 * <p>{@link #use} borrows the current value for one call; {@link #swap} installs a new value at
 * once (later calls see it) and closes the old one when its last borrower returns — on that
 * borrower's thread, or on the swapping thread when nobody holds it. Neither blocks: an inference
 * never waits for a swap and a swap never waits for an inference. After {@link #close()}, {@link
 * #use} throws {@link IllegalStateException}.
 *
 * <p>Thread-safe; any thread.
 *
 * @param <T> the model; may be {@code null} for "no model" (an absent shadow)
 */
final class Swappable<T extends AutoCloseable> implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(Swappable.class);

  /** Work done with a borrowed value. */
  @FunctionalInterface
  interface Use<T, R, E extends Exception> {
    R apply(T value) throws E;
  }

  private final AtomicReference<Slot<T>> current;
  private boolean closed; // guarded by this

  Swappable(T initial) {
    this.current = new AtomicReference<>(new Slot<>(initial));
  }

  /**
   * Runs {@code work} with the current value (null when empty), which stays open until it returns.
   *
   * @throws IllegalStateException after {@link #close()}
   * @throws E what {@code work} throws
   */
  <R, E extends Exception> R use(Use<? super T, R, E> work) throws E {
    while (true) {
      Slot<T> s = current.get();
      if (s.retain()) {
        try {
          return work.apply(s.value);
        } finally {
          s.release();
        }
      }
      if (current.get() == s) {
        throw new IllegalStateException("model holder is closed");
      }
      // swapped between get and retain: the new slot is live, try again
    }
  }

  /** The current value, for reading metadata only (it may be closed at any time after). */
  T peek() {
    return current.get().value;
  }

  /**
   * Installs {@code next}; the previous value is closed when no inference holds it any more. After
   * {@link #close()}, {@code next} is closed at once instead.
   */
  synchronized void swap(T next) {
    if (closed) {
      new Slot<>(next).release();
      return;
    }
    current.getAndSet(new Slot<>(next)).release();
  }

  /** Closes the current value once its borrowers return; {@link #use} fails from now on. */
  @Override
  public synchronized void close() {
    if (!closed) {
      closed = true;
      current.get().release();
    }
  }

  /** Inferences running on the current value (for tests and status). */
  int borrowers() {
    return Math.max(0, current.get().refs.get() - 1);
  }

  private static final class Slot<T extends AutoCloseable> {
    final T value;

    /** Borrowers plus one for the holder itself; 0 = closed, never raised again. */
    final AtomicInteger refs = new AtomicInteger(1);

    Slot(T value) {
      this.value = value;
    }

    boolean retain() {
      while (true) {
        int r = refs.get();
        if (r == 0) {
          return false;
        }
        if (refs.compareAndSet(r, r + 1)) {
          return true;
        }
      }
    }

    void release() {
      if (refs.decrementAndGet() == 0 && value != null) {
        try {
          value.close();
        } catch (Exception e) {
          LOG.warn("closing a replaced model failed: {}", e.toString());
        }
      }
    }
  }
}
