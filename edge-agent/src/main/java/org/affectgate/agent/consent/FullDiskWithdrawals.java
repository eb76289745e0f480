package org.affectgate.agent.consent;

import java.io.IOException;
import java.sql.SQLException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.affectgate.sync.storage.OwnerOnly;
import org.affectgate.sync.storage.SpaceReserve;
import org.affectgate.sync.storage.StorageFaults;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Makes a withdrawal win on a full disk. A withdrawal that fails with a storage fault ({@link
 * StorageFaults}) releases the {@link SpaceReserve space reserve} and is tried once more; if the
 * disk is still full it is <em>held</em> in memory: {@link #lastEventId} and {@link #snapshotAfter}
 * report the subject as withdrawn at once, and {@link #flush} (run before every later write, and by
 * {@link #maintain} every second or so) writes the held withdrawals, oldest first and with their
 * own times, as soon as the disk has room. A held withdrawal ends only consents granted at or
 * before its time, so one granted meanwhile stays. Held withdrawals are lost if the process stops
 * first (an ERROR line says so on {@link #close}).
 *
 * <p><b>Threads.</b> Not thread-safe: {@link ConsentStore} calls it under its own lock, except
 * {@link #count()}, which any thread may read. Blocking disk I/O.
 */
final class FullDiskWithdrawals {
  /** Logged under the store's name, as operators know it. */
  private static final Logger LOG = LoggerFactory.getLogger(ConsentStore.class);

  /**
   * A withdrawal not yet written.
   *
   * @param subject pseudonym
   * @param purpose the purpose withdrawn, or null for every purpose
   * @param erase whether it is an erasure (every purpose, and the current state deleted)
   * @param at when it was asked for; written with this time
   */
  record Withdrawal(String subject, String purpose, boolean erase, Instant at) {
    boolean endsBinding() {
      return erase || purpose == null || purpose.equals(Purposes.WELLNESS_HR);
    }

    boolean endsSync() {
      return endsBinding() || purpose.equals(Purposes.WELLNESS_HR_SYNC);
    }
  }

  private final LedgerDatabase db;
  private final SpaceReserve reserve;

  /** Withdrawals in force in memory, not yet in the ledger, oldest first. */
  private final List<Withdrawal> held = new ArrayList<>();

  /** {@code held.size()}, readable without the lock. */
  private volatile int count;

  /** A withdrawal was held since {@link #snapshotAfter} last reported them. */
  private boolean unreported;

  /** The last snapshot read from the database, for when the disk cannot be read. */
  private ConsentSnapshot lastRead;

  FullDiskWithdrawals(LedgerDatabase db, SpaceReserve reserve) {
    this.db = db;
    this.reserve = reserve;
  }

  /**
   * Makes the reserve file private and writes it if missing; a disk without room for it is logged,
   * and {@link #maintain} writes it later.
   *
   * @throws IOException when the file's mode cannot be set
   */
  void prepareReserve() throws IOException {
    OwnerOnly.restrict(reserve.file());
    if (!reserve.ensure()) {
      LOG.warn(
          "consent ledger {}: no room for its {} byte space reserve {}; written once the disk"
              + " has room",
          db.file(),
          reserve.bytes(),
          reserve.file());
    }
  }

  /**
   * Records a withdrawal: held withdrawals first, then {@code work} in one transaction; on a full
   * disk once more after releasing the reserve; if the disk is still full, holds {@code w}.
   *
   * @param work writes the withdrawal; returns false when there was nothing to withdraw
   * @throws ConsentStoreException on a failure that is not a storage fault
   */
  WithdrawalOutcome record(Withdrawal w, LedgerDatabase.Work<Boolean> work) {
    SQLException failure;
    try {
      return write(work);
    } catch (SQLException e) {
      failure = e;
    }
    if (!StorageFaults.isStorageFault(failure)) {
      throw db.failed(failure);
    }
    if (reserve.release()) {
      LOG.warn(
          "consent ledger {}: disk full; released the {} byte space reserve {} to record a"
              + " withdrawal",
          db.file(),
          reserve.bytes(),
          reserve.file());
      try {
        return write(work);
      } catch (SQLException e) {
        if (!StorageFaults.isStorageFault(e)) {
          throw db.failed(e);
        }
        failure = e;
      }
    }
    return hold(w, failure);
  }

  private WithdrawalOutcome write(LedgerDatabase.Work<Boolean> work) throws SQLException {
    flush();
    return db.transaction(work) ? WithdrawalOutcome.RECORDED : WithdrawalOutcome.NOT_ACTIVE;
  }

  /** Holds {@code w} in memory unless there is certainly nothing to withdraw. */
  private WithdrawalOutcome hold(Withdrawal w, SQLException failure) {
    boolean alreadyHeld =
        held.stream()
            .anyMatch(
                h ->
                    h.subject().equals(w.subject())
                        && (h.erase() || !w.erase())
                        && (h.purpose() == null || h.purpose().equals(w.purpose())));
    if (alreadyHeld) {
      return WithdrawalOutcome.PENDING_DISK_FULL;
    }
    boolean something;
    try {
      if (w.erase()) {
        something = LedgerReader.hasCurrentState(db.connection(), w.subject(), null);
      } else if (w.purpose() == null) {
        something = LedgerReader.hasActive(db.connection(), w.subject());
      } else {
        something = LedgerReader.hasCurrentState(db.connection(), w.subject(), w.purpose());
      }
    } catch (SQLException | RuntimeException unreadable) {
      db.reset();
      something = true; // fail closed: withdraw whatever there may be
    }
    if (!something) {
      return WithdrawalOutcome.NOT_ACTIVE;
    }
    held.add(w);
    count = held.size();
    unreported = true;
    LOG.error(
        "consent ledger {}: disk full ({}); {} of subject {} is in force in memory now and written"
            + " to the ledger as soon as the disk has room ({} held)",
        db.file(),
        failure.getMessage(),
        w.erase() ? "erasure" : "withdrawal",
        w.subject(),
        held.size());
    return WithdrawalOutcome.PENDING_DISK_FULL;
  }

  /**
   * Writes the held withdrawals, in order and with their own times, in one transaction; nothing
   * when none is held. Each ends only consents granted at or before its time: a grant made
   * meanwhile (e.g. by the CLI once the disk had room) stays.
   *
   * @throws SQLException when the transaction fails (they stay held)
   */
  void flush() throws SQLException {
    if (held.isEmpty()) {
      return;
    }
    List<Withdrawal> batch = List.copyOf(held);
    db.transaction(
        c -> {
          for (Withdrawal w : batch) {
            long upTo = w.at().toEpochMilli();
            if (w.erase()) {
              LedgerWriter.erase(c, w.subject(), w.at());
            } else if (w.purpose() == null) {
              LedgerWriter.withdrawAll(c, w.subject(), w.at(), upTo);
            } else {
              LedgerWriter.withdraw(c, w.subject(), w.purpose(), w.at(), upTo);
            }
          }
          return null;
        });
    held.removeAll(batch);
    count = held.size();
    LOG.info(
        "consent ledger {}: {} withdrawals held in memory while the disk was full are now"
            + " recorded",
        db.file(),
        batch.size());
  }

  /**
   * Writes the held withdrawals if the disk has room, then (with none left) writes the space
   * reserve again if it is missing and the filesystem has twice its size free.
   *
   * @return withdrawals still held
   */
  int maintain() {
    if (!held.isEmpty()) {
      try {
        flush();
      } catch (SQLException e) {
        if (!StorageFaults.isStorageFault(e)) {
          LOG.warn(
              "consent ledger {}: cannot write held withdrawals yet: {}", db.file(), e.toString());
        }
      }
    }
    if (held.isEmpty() && !reserve.present()) {
      if (reserve.ensure()) {
        LOG.info("consent ledger {}: space reserve {} in place again", db.file(), reserve.file());
      }
    }
    return held.size();
  }

  /**
   * Forgets the held withdrawals.
   *
   * @return how many were dropped
   */
  int discard() {
    int n = held.size();
    held.clear();
    count = 0;
    unreported = false;
    return n;
  }

  /** Withdrawals held, not yet in the ledger. Lock-free; any thread. */
  int count() {
    return count;
  }

  /**
   * The newest sequence number, plus one while a held withdrawal has not been reported by {@link
   * #snapshotAfter} (so that a poller comparing it with the id it saw last reads a snapshot).
   *
   * @throws ConsentStoreException when the database cannot be read, unless a held withdrawal is
   *     unreported: then the last id read is used
   */
  long lastEventId() {
    try {
      long seq = db.read(LedgerReader::lastSeq);
      return unreported ? seq + 1 : seq;
    } catch (ConsentStoreException e) {
      if (unreported && lastRead != null) {
        return lastRead.lastEventId() + 1;
      }
      throw e;
    }
  }

  /**
   * {@link LedgerReader#snapshotAfter} with the held withdrawals applied: their subjects lose their
   * bindings (and sync opt-ins) until the ledger has them, and are reported as revoked once. If the
   * database cannot be read while one is unreported, the last snapshot read is used.
   *
   * @throws ConsentStoreException when the database cannot be read and nothing is unreported
   */
  ConsentSnapshot snapshotAfter(long afterEventId) {
    ConsentSnapshot snap;
    try {
      snap = db.read(c -> LedgerReader.snapshotAfter(c, afterEventId));
      lastRead = snap;
    } catch (ConsentStoreException e) {
      if (!unreported || lastRead == null) {
        throw e;
      }
      LOG.warn(
          "consent ledger {} unreadable ({}); applying held withdrawals to the last snapshot",
          db.file(),
          e.getMessage());
      snap =
          new ConsentSnapshot(
              lastRead.bindings(), lastRead.lastEventId(), Set.of(), lastRead.syncOptIns());
    }
    return withHeld(snap);
  }

  /** {@code snap} with the held withdrawals applied; reports them as revoked once. */
  private ConsentSnapshot withHeld(ConsentSnapshot snap) {
    if (held.isEmpty() && !unreported) {
      return snap;
    }
    Set<String> unbound = new HashSet<>();
    Set<String> unsynced = new HashSet<>();
    for (Withdrawal w : held) {
      if (w.endsBinding()) {
        unbound.add(w.subject());
      }
      if (w.endsSync()) {
        unsynced.add(w.subject());
      }
    }
    Map<String, Binding> bindings = new HashMap<>(snap.bindings());
    bindings.values().removeIf(b -> unbound.contains(b.participantId()));
    Map<String, Long> optIns = new HashMap<>(snap.syncOptIns());
    optIns.keySet().removeAll(unsynced);
    Set<String> revoked = new HashSet<>(snap.revokedSince());
    if (unreported) {
      held.forEach(w -> revoked.add(w.subject()));
      unreported = false;
    }
    return new ConsentSnapshot(bindings, snap.lastEventId(), revoked, optIns);
  }

  /** Writes the held withdrawals if it can; an ERROR line names what was lost if not. */
  void close() {
    if (held.isEmpty()) {
      return;
    }
    try {
      flush();
    } catch (SQLException e) {
      LOG.error(
          "consent ledger {}: closing with {} withdrawals held in memory that the full disk"
              + " never took; they are not recorded (withdraw again once the disk has room)",
          db.file(),
          held.size());
    }
  }
}
