package org.affectgate.agent.escalation;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Objects;
import java.util.OptionalInt;

/**
 * Staff escalation settings ({@code escalation.*}). Immutable, validated at construction; every
 * message names the YAML key.
 *
 * @param enabled {@code escalation.enabled}, default false: an operator opts in to telling staff
 * @param cooldown {@code escalation.cooldownSeconds} (default {@value #DEFAULT_COOLDOWN_S}, 10 ..
 *     86 400): after an escalation for a kiosk, further episodes of that kiosk raise nothing for
 *     this long (counted as suppressed)
 * @param renotifyAfter {@code escalation.renotifySeconds} (default {@value #DEFAULT_RENOTIFY_S}, 5
 *     .. 3 600): an escalation nobody acknowledged is published once more after this long
 * @param expireAfter {@code escalation.expireSeconds} (default {@value #DEFAULT_EXPIRE_S}): an
 *     escalation still unacknowledged this long after it was raised expires; must be greater than
 *     {@code renotifySeconds}, at most 86 400
 * @param maxOpen {@code escalation.maxOpen} (default {@value #DEFAULT_MAX_OPEN}, 1 .. 4 096):
 *     escalations open at once across all kiosks; an episode beyond it is suppressed and counted
 * @param pagerPin {@code escalation.pagerPin}: BCM pin (0..27) of a staff pager LED or buzzer,
 *     driven high while any escalation is open; empty for none
 * @param auditFile {@code escalation.auditFile} (default {@value #DEFAULT_AUDIT_FILE} in {@code
 *     dataDir}): the local SQLite audit, mode 0600
 * @param auditRetention {@code escalation.auditRetentionDays} (default {@value
 *     #DEFAULT_AUDIT_RETENTION_DAYS}, 2 .. 3 650): audit rows older than this are deleted
 */
public record EscalationConfig(
    boolean enabled,
    Duration cooldown,
    Duration renotifyAfter,
    Duration expireAfter,
    int maxOpen,
    OptionalInt pagerPin,
    Path auditFile,
    Duration auditRetention) {
  public static final long DEFAULT_COOLDOWN_S = 600;
  public static final long DEFAULT_RENOTIFY_S = 60;
  public static final long DEFAULT_EXPIRE_S = 300;
  public static final int DEFAULT_MAX_OPEN = 64;
  public static final String DEFAULT_AUDIT_FILE = "escalations.db";
  public static final long DEFAULT_AUDIT_RETENTION_DAYS = 90;

  /**
   * @throws IllegalArgumentException naming the {@code escalation.*} key that is out of range
   */
  public EscalationConfig {
    Objects.requireNonNull(cooldown, "escalation.cooldownSeconds");
    Objects.requireNonNull(renotifyAfter, "escalation.renotifySeconds");
    Objects.requireNonNull(expireAfter, "escalation.expireSeconds");
    Objects.requireNonNull(pagerPin, "escalation.pagerPin");
    Objects.requireNonNull(auditFile, "escalation.auditFile");
    Objects.requireNonNull(auditRetention, "escalation.auditRetentionDays");
    range("escalation.cooldownSeconds", cooldown.toSeconds(), 10, 86_400);
    range("escalation.renotifySeconds", renotifyAfter.toSeconds(), 5, 3_600);
    range("escalation.expireSeconds", expireAfter.toSeconds(), 6, 86_400);
    if (expireAfter.compareTo(renotifyAfter) <= 0) {
      throw new IllegalArgumentException(
          "escalation.expireSeconds must be greater than escalation.renotifySeconds (got "
              + expireAfter.toSeconds()
              + " and "
              + renotifyAfter.toSeconds()
              + "): an escalation re-notifies once before it expires");
    }
    range("escalation.maxOpen", maxOpen, 1, 4_096);
    pagerPin.ifPresent(p -> range("escalation.pagerPin", p, 0, 27));
    range("escalation.auditRetentionDays", auditRetention.toDays(), 2, 3_650);
  }

  /** Disabled, with the defaults, the audit file under {@code dataDir}. */
  public static EscalationConfig defaults(Path dataDir) {
    return new EscalationConfig(
        false,
        Duration.ofSeconds(DEFAULT_COOLDOWN_S),
        Duration.ofSeconds(DEFAULT_RENOTIFY_S),
        Duration.ofSeconds(DEFAULT_EXPIRE_S),
        DEFAULT_MAX_OPEN,
        OptionalInt.empty(),
        dataDir.resolve(DEFAULT_AUDIT_FILE),
        Duration.ofDays(DEFAULT_AUDIT_RETENTION_DAYS));
  }

  private static void range(String key, long v, long min, long max) {
    if (v < min || v > max) {
      throw new IllegalArgumentException(
          key + " must be between " + min + " and " + max + " (got " + v + ")");
    }
  }
}
