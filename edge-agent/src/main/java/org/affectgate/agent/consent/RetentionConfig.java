package org.affectgate.agent.consent;

import java.time.Duration;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;

/**
 * How long a consent record is kept after the consent ended (withdrawn or expired), per purpose
 * ({@code retentionDays.<purpose>}, in days). The pseudonymous ledger entries stay; the
 * current-state record with its device binding and scope is erased.
 *
 * @param perPurpose retention by purpose; a purpose not listed is kept until erased by hand
 * @param interval how often the reaper runs ({@code retentionDays.checkEveryMinutes}, default 60)
 */
public record RetentionConfig(Map<String, Duration> perPurpose, Duration interval) {
  public static final long DEFAULT_WELLNESS_DAYS = 90;
  public static final long DEFAULT_KIOSK_DAYS = 1;
  public static final Duration DEFAULT_INTERVAL = Duration.ofMinutes(60);

  public RetentionConfig {
    Objects.requireNonNull(perPurpose, "retentionDays");
    Objects.requireNonNull(interval, "retentionDays.checkEveryMinutes");
    perPurpose = Map.copyOf(new TreeMap<>(perPurpose));
    perPurpose.forEach(
        (purpose, d) -> {
          if (d.isNegative()) {
            throw new IllegalArgumentException(
                "retentionDays." + purpose + " must be >= 0 (got " + d.toDays() + ")");
          }
        });
    if (interval.toMinutes() < 1) {
      throw new IllegalArgumentException(
          "retentionDays.checkEveryMinutes must be >= 1 (got " + interval.toMinutes() + ")");
    }
  }

  public static RetentionConfig defaults() {
    return new RetentionConfig(
        Map.of(
            Purposes.WELLNESS_HR, Duration.ofDays(DEFAULT_WELLNESS_DAYS),
            Purposes.WELLNESS_HR_SYNC, Duration.ofDays(DEFAULT_WELLNESS_DAYS),
            Purposes.KIOSK_VOICE, Duration.ofDays(DEFAULT_KIOSK_DAYS),
            Purposes.KIOSK_FACE, Duration.ofDays(DEFAULT_KIOSK_DAYS),
            Purposes.KIOSK_ADAPT, Duration.ofDays(DEFAULT_KIOSK_DAYS)),
        DEFAULT_INTERVAL);
  }
}
