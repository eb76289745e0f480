package org.affectgate.agent.faults;

import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.util.concurrent.Callable;
import org.awaitility.core.ConditionTimeoutException;

/** Awaitility polling for conditions whose failure a case reports in its row, not by throwing. */
final class Waits {
  private Waits() {}

  /**
   * Polls {@code condition} every {@code poll} (exceptions count as false) for up to {@code
   * atMost}.
   *
   * @return whether it became true
   */
  static boolean until(String what, Duration atMost, Duration poll, Callable<Boolean> condition) {
    try {
      await(what).atMost(atMost).pollInterval(poll).ignoreExceptions().until(condition);
      return true;
    } catch (ConditionTimeoutException e) {
      return false;
    }
  }
}
