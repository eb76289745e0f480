package org.affectgate.features.hrv;

import java.util.Arrays;
import java.util.Optional;

/**
 * Rejects implausible RR intervals, one subject's beats at a time, in arrival order.
 *
 * <p>Rules, applied in this order:
 *
 * <ol>
 *   <li>{@link ArtifactRule#CONTACT}: the sample said the sensor has no skin contact.
 *   <li>{@link ArtifactRule#RANGE}: the RR is not finite or lies outside {@code [hrv.rrMinMs,
 *       hrv.rrMaxMs]} (default 300–2000 ms, i.e. 30–200 bpm).
 *   <li>{@link ArtifactRule#SUCCESSIVE}: the RR differs from the median of the last {@value
 *       #RECENT} accepted RRs by more than {@code hrv.maxSuccessiveChange} (default 20 %) of that
 *       median. This is the relative criterion of Malik et al., "Heart rate variability in relation
 *       to prognosis after myocardial infarction: selection of optimal processing techniques", Eur
 *       Heart J 10 (1989) 1060–1074, which compares with the single preceding interval; comparing
 *       with a median of recent accepted intervals keeps one missed artifact from becoming the
 *       reference for the next beat. With no accepted history yet, the rule does not apply.
 * </ol>
 *
 * <p>Resynchronisation: after {@value #RECENT} consecutive successive-rule rejections the history
 * is cleared, so that a genuine step change of heart rate (or a bad first reference) cannot lock a
 * subject out forever; the next in-range beat then seeds a new history.
 *
 * <p>Every rejection is reported as {@link HrvEvents#artifact} (the agent's {@code
 * affectgate.hrv.artifacts{rule=range|successive|contact}}) and counted in the subject's {@link
 * History}. Not thread-safe: call from the HRV engine's event-loop context only. Allocation-light,
 * no I/O.
 */
public final class RrArtifactFilter {
  /** How many recently accepted RRs form the successive-rule reference. */
  public static final int RECENT = 5;

  private final HrvConfig config;
  private final HrvEvents events;

  /**
   * @param events told of every rejection, on the calling thread
   */
  public RrArtifactFilter(HrvConfig config, HrvEvents events) {
    this.config = config;
    this.events = events;
  }

  /** Fresh per-subject memory. */
  public History newHistory() {
    return new History();
  }

  /**
   * Classifies one RR and updates {@code history}.
   *
   * @param rrMs the interval in milliseconds (any value; non-finite is a range artifact)
   * @param contactLost whether the carrying sample reported no skin contact
   * @return empty when accepted, otherwise the rule that rejected it
   */
  public Optional<ArtifactRule> check(History history, double rrMs, boolean contactLost) {
    ArtifactRule rule = classify(history, rrMs, contactLost);
    if (rule == null) {
      history.accept(rrMs);
      return Optional.empty();
    }
    history.reject(rule);
    events.artifact(rule);
    return Optional.of(rule);
  }

  private ArtifactRule classify(History history, double rrMs, boolean contactLost) {
    if (contactLost) {
      return ArtifactRule.CONTACT;
    }
    if (!Double.isFinite(rrMs) || rrMs < config.rrMinMs() || rrMs > config.rrMaxMs()) {
      return ArtifactRule.RANGE;
    }
    if (history.size > 0) {
      double median = history.median();
      if (Math.abs(rrMs - median) > config.maxSuccessiveChange() * median) {
        return ArtifactRule.SUCCESSIVE;
      }
    }
    return null;
  }

  /** One subject's recent accepted RRs and cumulative counts. Not thread-safe. */
  public static final class History {
    private final double[] recent = new double[RECENT];
    private final double[] scratch = new double[RECENT];
    private int size;
    private int next;
    private int successiveStreak;
    private long accepted;
    private final long[] rejected = new long[ArtifactRule.values().length];

    private History() {}

    public ArtifactCounts counts() {
      return new ArtifactCounts(
          accepted,
          rejected[ArtifactRule.RANGE.ordinal()],
          rejected[ArtifactRule.SUCCESSIVE.ordinal()],
          rejected[ArtifactRule.CONTACT.ordinal()]);
    }

    private void accept(double rrMs) {
      recent[next] = rrMs;
      next = (next + 1) % RECENT;
      size = Math.min(size + 1, RECENT);
      successiveStreak = 0;
      accepted++;
    }

    private void reject(ArtifactRule rule) {
      rejected[rule.ordinal()]++;
      if (rule == ArtifactRule.SUCCESSIVE && ++successiveStreak >= RECENT) {
        size = 0;
        next = 0;
        successiveStreak = 0;
      }
    }

    private double median() {
      System.arraycopy(recent, 0, scratch, 0, size);
      Arrays.sort(scratch, 0, size);
      int mid = size / 2;
      return size % 2 == 1 ? scratch[mid] : (scratch[mid - 1] + scratch[mid]) / 2;
    }
  }
}
