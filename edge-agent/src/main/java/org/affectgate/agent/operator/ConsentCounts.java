package org.affectgate.agent.operator;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import java.time.Duration;
import java.time.Instant;
import java.time.InstantSource;
import java.util.Map;
import java.util.TreeMap;
import org.affectgate.agent.consent.ConsentRecord;
import org.affectgate.agent.consent.ConsentStore;

/**
 * Active consents counted per purpose (numbers only: no pseudonym, device or session leaves this
 * class), for the operator page. The ledger is read on a Vert.x worker, at most once per {@code
 * maxAge}; callers in between get the last counts, so any number of open pages cost one read per
 * {@code maxAge}.
 *
 * <p>Called on the event loop only (the cache fields are confined to it).
 */
final class ConsentCounts {
  private final Vertx vertx;
  private final ConsentStore store;
  private final InstantSource clock;
  private final Duration maxAge;
  private Future<Map<String, Integer>> last;
  private Instant lastAt = Instant.MIN;

  ConsentCounts(Vertx vertx, ConsentStore store, InstantSource clock, Duration maxAge) {
    this.vertx = vertx;
    this.store = store;
    this.clock = clock;
    this.maxAge = maxAge;
  }

  /**
   * Purpose to the number of records neither withdrawn nor expired now, sorted by purpose. Fails
   * with the store's exception when the ledger cannot be read (the next call reads again).
   */
  Future<Map<String, Integer>> perPurpose() {
    Instant now = clock.instant();
    boolean stale = last == null || !now.isBefore(lastAt.plus(maxAge));
    if (stale || (last.isComplete() && last.failed())) {
      lastAt = now;
      last = vertx.executeBlocking(() -> count(store, clock.instant()), false);
    }
    return last;
  }

  private static Map<String, Integer> count(ConsentStore store, Instant now) {
    Map<String, Integer> out = new TreeMap<>();
    for (ConsentRecord r : store.list()) {
      if (r.activeAt(now)) {
        out.merge(r.purpose(), 1, Integer::sum);
      }
    }
    return out;
  }
}
