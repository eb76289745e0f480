package org.affectgate.agent.consent;

import java.util.Optional;
import java.util.regex.Pattern;

/** Consent purposes: what a subject agreed their signals may be processed for. */
public final class Purposes {
  /** Heart-rate wellness aggregation from a bound wearable (device-scoped). */
  public static final String WELLNESS_HR = "wellness-hr";

  /**
   * Opt-in to per-subject sync: the subject's own HRV windows, under their pseudonym, leave the
   * gateway ({@code hrv_subject_window}). Only effective while {@link #WELLNESS_HR} is active and
   * {@code sync.perSubject.enabled} is true; withdrawing either (or erasing the subject) queues a
   * cloud deletion of what was synced. See {@code edge-agent/CONSENT.md}.
   */
  public static final String WELLNESS_HR_SYNC = "wellness-hr-sync";

  /** Voice emotion inference at a kiosk, for one session. */
  public static final String KIOSK_VOICE = "kiosk-voice";

  /** Face expression inference at a kiosk, for one session. */
  public static final String KIOSK_FACE = "kiosk-face";

  /**
   * The kiosk adapts to the visitor of one session: the visitor's fused state (from what {@link
   * #KIOSK_FACE} and {@link #KIOSK_VOICE} sense) is sent back to that kiosk's screen only, never
   * stored or synced. It senses nothing by itself. See {@code edge-agent/CONSENT.md}.
   */
  public static final String KIOSK_ADAPT = "kiosk-adapt";

  /** The purpose of an erase entry: every purpose of the subject. */
  public static final String ALL = "all";

  public static final String REGEX = "[a-z][a-z0-9-]{0,31}";
  private static final Pattern PATTERN = Pattern.compile(REGEX);

  private Purposes() {}

  /** A message naming {@code field} when {@code purpose} is not a valid purpose name. */
  public static Optional<String> problem(String field, String purpose) {
    if (purpose == null) {
      return Optional.of(field + " is required");
    }
    if (!PATTERN.matcher(purpose).matches()) {
      return Optional.of(field + " must match " + REGEX);
    }
    return Optional.empty();
  }
}
