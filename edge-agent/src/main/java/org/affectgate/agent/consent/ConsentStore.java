package org.affectgate.agent.consent;

import io.vertx.core.Context;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.affectgate.agent.consent.FullDiskWithdrawals.Withdrawal;
import org.affectgate.sync.storage.OwnerOnly;
import org.affectgate.sync.storage.SpaceReserve;
import org.affectgate.sync.storage.StorageFaults;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The consent ledger in SQLite: an append-only, hash-chained list of {@link LedgerEntry entries}
 * ({@code consent_ledger}, guarded by triggers against UPDATE and DELETE) and the current state per
 * (subject, purpose) derived from it ({@code consent_current}). Subjects are pseudonyms ({@link
 * SubjectPseudonyms}): participant ids are hashed with the site salt before anything is stored.
 * {@link #verify()} recomputes the chain and replays it against the current state.
 *
 * <p>For {@value Purposes#WELLNESS_HR} a subject has at most one device and a device has at most
 * one subject with a consent that is neither withdrawn nor expired; a grant for a device whose
 * holder's consent expired first records the holder's withdrawal.
 *
 * <p>{@code secure_delete} is on, so rows removed by {@link #erase} are overwritten, not merely
 * unlinked. The database runs in WAL mode with {@code synchronous=FULL} (a recorded withdrawal
 * survives power loss) and a 5 s busy timeout; write transactions begin IMMEDIATE, so several
 * processes (the agent and a CLI {@code consent grant}) can share the file and sequence numbers
 * stay gap-free. The newest entry's sequence number is a change counter.
 *
 * <p><b>Full disk.</b> After any failed statement the connection is closed and a new one opened by
 * the next call: SQLite may have rolled the transaction back by itself ({@code SQLITE_FULL}, {@code
 * SQLITE_IOERR}), and the driver would then run later statements in autocommit and fail every
 * commit ("cannot commit - no transaction is active"). A withdrawal ({@link #withdrawAll}, {@link
 * #withdrawOne}, {@link #eraseAll} and the boolean forms) that finds the disk full deletes the
 * space reserve ({@link ConsentConfig#reserveBytes()}, a pre-allocated file beside the ledger) and
 * tries again, which records it. If even that fails it is held in memory: {@link #lastEventId()}
 * and {@link #snapshotAfter} report the subject as withdrawn at once (the gate then admits nothing
 * more for them and purges their state), and {@link #maintain()} (and any later write, which writes
 * held withdrawals first) records it, with its original time, as soon as the disk has room; a held
 * withdrawal never ends a consent granted after it. It is lost if the process stops first ({@link
 * WithdrawalOutcome#PENDING_DISK_FULL} says so). Other writes on a full disk fail with a {@link
 * ConsentStoreException} whose {@link ConsentStoreException#diskFull()} is true and do not touch
 * the reserve. {@link #maintain()} writes the reserve again once the filesystem has twice its size
 * free.
 *
 * <p>Files: the database, its {@code -wal} and {@code -shm} files and the reserve are mode 0600.
 *
 * <p><b>Structure.</b> This class is the façade: it owns the connection ({@link LedgerDatabase})
 * and the lock, validates arguments, turns participant ids into pseudonyms and checks the thread.
 * The work is done by {@link LedgerSchema} (schema and migration), {@link LedgerWriter} (the
 * append-only hash-chained writes), {@link LedgerReader} (the read model) and {@link
 * FullDiskWithdrawals} (the space reserve and withdrawals held in memory).
 *
 * <p>Threading: every method blocks on disk I/O and is serialised on this instance. Call from
 * worker threads ({@code executeBlocking}) or a CLI main thread, never from an event loop (this is
 * checked and throws {@link IllegalStateException}). Database failures throw {@link
 * ConsentStoreException}; invalid ids throw {@link IllegalArgumentException} (validate first with
 * {@link ConsentIds}).
 */
public final class ConsentStore implements AutoCloseable {
  /** The purpose of device grants: heart-rate wellness aggregation. */
  public static final String PURPOSE = Purposes.WELLNESS_HR;

  private static final Logger LOG = LoggerFactory.getLogger(ConsentStore.class);

  private final Path saltFile;
  private final LedgerDatabase db;
  private final SubjectPseudonyms pseudonyms;
  private final FullDiskWithdrawals fullDisk;

  private ConsentStore(
      Path saltFile,
      LedgerDatabase db,
      SubjectPseudonyms pseudonyms,
      FullDiskWithdrawals fullDisk) {
    this.saltFile = saltFile;
    this.db = db;
    this.pseudonyms = pseudonyms;
    this.fullDisk = fullDisk;
  }

  /**
   * Opens (creating if needed) the ledger and the salt named by the config.
   *
   * @throws ConsentStoreException when either cannot be opened, or the file holds the pre-ledger
   *     schema of version 0.1 (see the message)
   */
  public static ConsentStore open(ConsentConfig config) {
    Path file = config.file().toAbsolutePath();
    try {
      Files.createDirectories(file.getParent());
      SubjectPseudonyms pseudonyms = SubjectPseudonyms.open(config.saltFile());
      OwnerOnly.restrictDatabase(file);
      LedgerDatabase db = LedgerDatabase.open(file);
      try {
        LedgerSchema.ensure(db, pseudonyms);
      } catch (SQLException | RuntimeException e) {
        db.reset();
        throw e;
      }
      OwnerOnly.restrictDatabase(file);
      SpaceReserve reserve = new SpaceReserve(config.reserveFile(), config.reserveBytes());
      FullDiskWithdrawals fullDisk = new FullDiskWithdrawals(db, reserve);
      fullDisk.prepareReserve();
      return new ConsentStore(config.saltFile(), db, pseudonyms, fullDisk);
    } catch (SQLException | IOException e) {
      throw new ConsentStoreException(
          "cannot open consent database "
              + file
              + (StorageFaults.isStorageFault(e) ? " (disk full or I/O error)" : ""),
          e);
    }
  }

  /**
   * As {@link #open}, for a process that opens the ledger to record a withdrawal (the CLI): when
   * the disk is too full even to open it (reading a WAL database needs its {@code -shm} file, which
   * a process that is the only user creates), the space reserve is released and the open tried once
   * more — a withdrawal is what the reserve is for.
   */
  public static ConsentStore openToWithdraw(ConsentConfig config) {
    try {
      return open(config);
    } catch (ConsentStoreException e) {
      SpaceReserve reserve = new SpaceReserve(config.reserveFile(), config.reserveBytes());
      if (!e.diskFull() || !reserve.release()) {
        throw e;
      }
      LOG.warn(
          "consent ledger {}: disk full; released the {} byte space reserve {} to open it for a"
              + " withdrawal",
          config.file(),
          reserve.bytes(),
          reserve.file());
      return open(config);
    }
  }

  /** The pseudonym under which {@code participantId} is recorded. Pure; any thread. */
  public String subjectOf(String participantId) {
    ConsentIds.requireParticipant(participantId);
    return pseudonyms.of(participantId);
  }

  /**
   * A {@value #PURPOSE} grant without expiry; see {@link #grant(String, String, String, String,
   * Instant, Instant)}.
   */
  public GrantOutcome grant(
      String participantId, String deviceId, String site, String programme, Instant at) {
    return grant(participantId, deviceId, site, programme, at, null);
  }

  /**
   * Records an active {@value #PURPOSE} consent and binds {@code deviceId} to the participant,
   * replacing the participant's previous device and renewing an existing grant.
   *
   * @param expiresAt when the consent lapses by itself, or {@code null} for never
   * @return {@link GrantOutcome#DEVICE_TAKEN} (nothing recorded) when another participant holds the
   *     device with a consent that is neither withdrawn nor expired at {@code at}
   */
  public synchronized GrantOutcome grant(
      String participantId,
      String deviceId,
      String site,
      String programme,
      Instant at,
      Instant expiresAt) {
    ConsentIds.requireParticipant(participantId);
    ConsentIds.requireId("device", deviceId);
    ConsentIds.requireId("site", site);
    ConsentIds.requireId("programme", programme);
    requireExpiryAfter(at, expiresAt);
    checkThread();
    String subject = pseudonyms.of(participantId);
    return write(
        c -> LedgerWriter.grantDevice(c, subject, deviceId, site, programme, at, expiresAt));
  }

  /**
   * Records consent for a purpose without a device, e.g. {@value Purposes#KIOSK_VOICE} for one
   * kiosk session (the participant id is then the session's id).
   */
  public synchronized void grantPurpose(
      String participantId, String purpose, String site, Instant at, Instant expiresAt) {
    requirePurposeGrant(participantId, purpose, site, at, expiresAt);
    String subject = pseudonyms.of(participantId);
    write(
        c -> {
          LedgerWriter.grant(c, subject, purpose, LedgerWriter.siteScope(site), at, expiresAt);
          return null;
        });
  }

  /**
   * Records one purpose of a kiosk grant message once: as {@link #grantPurpose} (the participant id
   * is the session's id, {@code at} the agent's time), with the message's own {@code ts} kept in
   * the entry's scope ({@code site=…;ts=…}). When the ledger already holds that grant — same
   * session, purpose, site and {@code ts}, i.e. the same message delivered again — nothing is
   * written.
   *
   * @param tsMs the kiosk message's {@code ts}, epoch ms (the kiosk's clock)
   * @return false (nothing written) when that grant was already recorded
   */
  public synchronized boolean grantKioskPurpose(
      String sessionId, String purpose, String site, long tsMs, Instant at, Instant expiresAt) {
    requirePurposeGrant(sessionId, purpose, site, at, expiresAt);
    String subject = pseudonyms.of(sessionId);
    String scope = LedgerWriter.kioskGrantScope(site, tsMs);
    return write(
        c -> {
          if (LedgerReader.hasGrant(c, subject, purpose, scope)) {
            return false;
          }
          LedgerWriter.grant(c, subject, purpose, scope, at, expiresAt);
          return true;
        });
  }

  /**
   * Which of {@code purposes} the ledger already holds a grant of from the kiosk message {@code
   * (sessionId, site, tsMs)} ({@link #grantKioskPurpose}); a read, no write lock.
   *
   * @return a subset of {@code purposes}
   */
  public synchronized Set<String> kioskPurposesRecorded(
      String sessionId, String site, long tsMs, Set<String> purposes) {
    ConsentIds.requireParticipant(sessionId);
    ConsentIds.requireId("site", site);
    checkThread();
    String subject = pseudonyms.of(sessionId);
    String scope = LedgerWriter.kioskGrantScope(site, tsMs);
    return db.read(
        c -> {
          Set<String> recorded = new HashSet<>();
          for (String purpose : purposes) {
            if (LedgerReader.hasGrant(c, subject, purpose, scope)) {
              recorded.add(purpose);
            }
          }
          return recorded;
        });
  }

  private static void requirePurposeGrant(
      String participantId, String purpose, String site, Instant at, Instant expiresAt) {
    ConsentIds.requireParticipant(participantId);
    requirePurpose(purpose);
    ConsentIds.requireId("site", site);
    requireExpiryAfter(at, expiresAt);
    if (purpose.equals(PURPOSE)) {
      throw new IllegalArgumentException(PURPOSE + " consent needs a device; use grant");
    }
    checkThread();
  }

  /**
   * Withdraws every consent of the participant that is not yet withdrawn; a device binding ends
   * with it. On a full disk see {@link #withdrawAll}.
   *
   * @return false (nothing recorded) when there was none
   */
  public synchronized boolean revoke(String participantId, Instant at) {
    return withdrawAll(participantId, at) != WithdrawalOutcome.NOT_ACTIVE;
  }

  /**
   * Withdraws every consent of the participant that is not yet withdrawn; a device binding ends
   * with it. When the disk is full the space reserve is released to record it; if that is not
   * enough it is held in memory (see the class comment).
   */
  public synchronized WithdrawalOutcome withdrawAll(String participantId, Instant at) {
    ConsentIds.requireParticipant(participantId);
    checkThread();
    String subject = pseudonyms.of(participantId);
    return fullDisk.record(
        new Withdrawal(subject, null, false, at),
        c -> LedgerWriter.withdrawAll(c, subject, at, null) > 0);
  }

  /**
   * Withdraws the participant's consent for one purpose. On a full disk see {@link #withdrawOne}.
   *
   * @return false (nothing recorded) when it was not active
   */
  public synchronized boolean withdraw(String participantId, String purpose, Instant at) {
    return withdrawOne(participantId, purpose, at) != WithdrawalOutcome.NOT_ACTIVE;
  }

  /**
   * Withdraws the participant's consent for one purpose; on a full disk as {@link #withdrawAll}.
   */
  public synchronized WithdrawalOutcome withdrawOne(
      String participantId, String purpose, Instant at) {
    ConsentIds.requireParticipant(participantId);
    requirePurpose(purpose);
    checkThread();
    String subject = pseudonyms.of(participantId);
    return fullDisk.record(
        new Withdrawal(subject, purpose, false, at),
        c -> LedgerWriter.withdraw(c, subject, purpose, at, null));
  }

  /**
   * Erases a participant: withdraws whatever is active, records an {@link EntryKind#ERASE} entry
   * and deletes their rows from the current state. The ledger keeps its pseudonymous entries: they
   * are the record that consent was given and withdrawn, and cannot be linked back to the
   * participant without the participant id and the site salt. On a full disk see {@link #eraseAll}.
   *
   * @return false (nothing recorded) when the participant has no current state
   */
  public synchronized boolean erase(String participantId, Instant at) {
    return eraseAll(participantId, at) != WithdrawalOutcome.NOT_ACTIVE;
  }

  /** As {@link #erase}; on a full disk as {@link #withdrawAll}. */
  public synchronized WithdrawalOutcome eraseAll(String participantId, Instant at) {
    ConsentIds.requireParticipant(participantId);
    checkThread();
    String subject = pseudonyms.of(participantId);
    return fullDisk.record(
        new Withdrawal(subject, null, true, at), c -> LedgerWriter.erase(c, subject, at));
  }

  /**
   * Upkeep, to be run every few seconds by the agent ({@link LedgerUpkeep}): writes withdrawals
   * held in memory once the disk has room, then (with none left) writes the space reserve again if
   * it is missing and the filesystem has twice its size free. Blocking; worker thread.
   *
   * @return withdrawals still held in memory
   */
  public synchronized int maintain() {
    checkThread();
    return fullDisk.maintain();
  }

  /**
   * Forgets the withdrawals held in memory, for a short-lived process (the CLI) that handed them to
   * the running agent instead; closing then warns about nothing.
   *
   * @return how many were dropped
   */
  public synchronized int discardHeld() {
    return fullDisk.discard();
  }

  /** Withdrawals held in memory, not yet in the ledger. Lock-free; any thread (for a gauge). */
  public int heldWithdrawals() {
    return fullDisk.count();
  }

  /**
   * Retention: erases the current-state records whose consent ended (withdrawn, or expired) longer
   * ago than their purpose's retention, each with an {@link EntryKind#ERASE} entry for that purpose
   * and scope {@code reason=retention}. Purposes without a retention are kept.
   *
   * @param retention per purpose, how long an ended consent record is kept
   * @return records erased
   */
  public synchronized int reapEnded(Instant now, Map<String, Duration> retention) {
    checkThread();
    return write(c -> LedgerWriter.reapEnded(c, now, retention));
  }

  /** Records that the processing notice for {@code purpose} was shown to the participant. */
  public synchronized void noticeShown(
      String participantId, String purpose, String site, Instant at) {
    ConsentIds.requireParticipant(participantId);
    requirePurpose(purpose);
    ConsentIds.requireId("site", site);
    checkThread();
    String subject = pseudonyms.of(participantId);
    write(
        c -> {
          LedgerWriter.noticeShown(c, subject, purpose, site, at);
          return null;
        });
  }

  /** Current state of every (subject, purpose) recorded, sorted by subject then purpose. */
  public synchronized List<ConsentRecord> list() {
    checkThread();
    return db.read(LedgerReader::records);
  }

  /** Bindings of {@value #PURPOSE} consents not withdrawn (expired ones included), by device id. */
  public synchronized Map<String, Binding> activeBindings() {
    checkThread();
    return db.read(LedgerReader::bindings);
  }

  /**
   * Sequence number of the newest entry, 0 when there is none; grows with every change. While a
   * withdrawal held in memory ({@link WithdrawalOutcome#PENDING_DISK_FULL}) has not yet been
   * reported by {@link #snapshotAfter}, one more than that, so that a poller comparing it with the
   * id it saw last reads a snapshot.
   *
   * @throws ConsentStoreException when the database cannot be read (unless a held withdrawal is
   *     unreported: then the last id read is used)
   */
  public synchronized long lastEventId() {
    checkThread();
    return fullDisk.lastEventId();
  }

  /**
   * Bindings, the newest sequence number {@code L} and the subjects withdrawn or erased in {@code
   * (afterEventId, L]}. Read without a transaction (so polling never takes a lock writers wait
   * for): {@code L} is read first, so a change committed meanwhile is either in the bindings
   * already or reported by the next call, never lost.
   *
   * <p>Withdrawals held in memory are applied on top: their subjects lose their bindings (and sync
   * opt-ins) until the ledger has them, and are reported as revoked once. If the database cannot be
   * read while one is unreported, the last snapshot read is used with them applied.
   */
  synchronized ConsentSnapshot snapshotAfter(long afterEventId) {
    checkThread();
    return fullDisk.snapshotAfter(afterEventId);
  }

  /**
   * Subjects who at some point opted in to per-subject sync ({@value Purposes#WELLNESS_HR_SYNC}
   * granted) and whose consent was later withdrawn or erased: ledger entries after {@code afterSeq}
   * that withdraw {@value Purposes#WELLNESS_HR} or {@value Purposes#WELLNESS_HR_SYNC}, or erase the
   * subject, preceded by such a grant. Retention erasures (purpose-scoped {@code ERASE} entries) do
   * not count: the consent had ended and been handled before.
   *
   * @return the subjects and the sequence number the read covers (the newest entry when read)
   */
  public synchronized SyncWithdrawals syncWithdrawalsAfter(long afterSeq) {
    checkThread();
    return db.read(c -> LedgerReader.syncWithdrawalsAfter(c, afterSeq));
  }

  /** Entries in order, for audits and tests: {@code seq kind subject purpose at_ms}. */
  public synchronized List<String> history() {
    return entries().stream()
        .map(e -> e.seq() + " " + e.kind() + " " + e.subject() + " " + e.purpose() + " " + e.atMs())
        .toList();
  }

  /** Every ledger entry in sequence order. */
  public synchronized List<LedgerEntry> entries() {
    checkThread();
    return db.read(LedgerReader::entries);
  }

  /**
   * Checks the ledger: every entry's hash matches its content, links to its predecessor's hash and
   * follows it without a gap; then replays the ledger and compares the result with the current
   * state table. Detects any edit or deletion made without recomputing the chain; a whole chain
   * rewritten from some entry onwards is detected by comparing {@link
   * LedgerVerification#headHash()} with a copy kept elsewhere.
   */
  public synchronized LedgerVerification verify() {
    List<LedgerEntry> entries = entries();
    return db.read(c -> LedgerReplay.verify(entries, LedgerReader.currentRows(c)));
  }

  /**
   * Replaces the site salt (see {@link SubjectPseudonyms} for what this means for existing
   * records). This store keeps using the old salt; reopen to use the new one.
   *
   * @throws IllegalStateException when a consent is still active (it could no longer be withdrawn
   *     by participant id)
   */
  public synchronized void rotateSalt(Instant now) {
    long active = list().stream().filter(r -> r.activeAt(now)).count();
    if (active > 0) {
      throw new IllegalStateException(
          active
              + " consents are still active; withdraw them (or let them expire) before rotating"
              + " the salt, or they could no longer be withdrawn by participant id");
    }
    SubjectPseudonyms.rotate(saltFile);
  }

  public Path file() {
    return db.file();
  }

  /**
   * Writes withdrawals held in memory if it can (an error line names what could not be written),
   * then closes the database.
   */
  @Override
  public synchronized void close() {
    fullDisk.close();
    db.close();
  }

  /** A write that is not a withdrawal: held withdrawals first; a full disk fails it. */
  private <T> T write(LedgerDatabase.Work<T> work) {
    try {
      fullDisk.flush();
      return db.transaction(work);
    } catch (SQLException e) {
      throw db.failed(e);
    }
  }

  private static void requirePurpose(String purpose) {
    Purposes.problem("purpose", purpose)
        .ifPresent(
            m -> {
              throw new IllegalArgumentException(m);
            });
    if (purpose.equals(Purposes.ALL)) {
      throw new IllegalArgumentException("purpose '" + Purposes.ALL + "' is reserved for erase");
    }
  }

  private static void requireExpiryAfter(Instant at, Instant expiresAt) {
    if (expiresAt != null && !expiresAt.isAfter(at)) {
      throw new IllegalArgumentException(
          "expiresAt must be after the grant time (got " + expiresAt + " <= " + at + ")");
    }
  }

  private static void checkThread() {
    if (Context.isOnEventLoopThread()) {
      throw new IllegalStateException(
          "ConsentStore does blocking I/O; call it from a worker thread");
    }
  }
}
