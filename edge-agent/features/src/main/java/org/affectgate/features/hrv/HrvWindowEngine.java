package org.affectgate.features.hrv;

import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import org.affectgate.device.wearable.Contact;
import org.affectgate.device.wearable.HrSample;

/**
 * Sliding-window time-domain HRV per subject.
 *
 * <p><b>Beat timing.</b> BLE heart-rate sensors report the RR intervals measured since the previous
 * notification, so a sample's RRs are placed to end at the sample's timestamp: the last RR ends at
 * {@code timestampMs}, the one before ends one (rounded) RR earlier, and so on.
 *
 * <p><b>Windows.</b> Window ends {@code e} are aligned to the epoch ({@code e % step == 0}), so a
 * replay of the same samples yields identical timestamps. Window {@code e} holds the beats ending
 * in {@code [e - window, e)}. {@link #closeWindowsUpTo(long)} closes every window with {@code e +
 * lateness <= nowMs} not closed before, and reports it if any subject had a beat in it. A subject
 * gets {@link HrvFeatures} for a window when it has at least {@code hrv.minCleanBeats} clean beats
 * and at least one pair of adjacent clean beats there (see {@link TimeDomain}); otherwise it is
 * reported as {@link HrvEvents#windowSkipped} ({@link SkipReason}).
 *
 * <p><b>Late samples.</b> A sample whose timestamp is before the end of the last closed window is
 * dropped whole and reported as {@link HrvEvents#lateSample}: its beats belong to windows that are
 * already out.
 *
 * <p><b>Bounded memory.</b> Beats that can no longer fall into an open window are dropped at each
 * close, so with {@link #closeWindowsUpTo(long)} called at least once per step a subject keeps at
 * most window + lateness + step of beats; a subject with no beats for longer than window + lateness
 * is evicted at close ({@link HrvEvents#subjectEvicted}); a buffer that still exceeds {@code 2 *
 * (window + lateness) / rrMin + 16} beats (nonsense RRs, or closes far too rare) loses its oldest
 * beats ({@link HrvEvents#beatsOverflowed}). {@link #purge(String)} forgets a subject at once
 * (consent revoked).
 *
 * <p><b>Counting.</b> Everything dropped or rejected is reported to the {@link HrvEvents} given at
 * construction, on the calling thread; the agent turns the events into its {@code affectgate.hrv.*}
 * meters and the late-sample warning.
 *
 * <p><b>Threading.</b> Not thread-safe. Create, feed and close from one Vert.x event-loop context.
 * Every call is CPU-only (no I/O, no blocking) and proportional to the beats buffered.
 */
public final class HrvWindowEngine {
  private final HrvConfig config;
  private final RrArtifactFilter filter;
  private final TimeDomain timeDomain;
  private final Map<String, SubjectState> subjects = new TreeMap<>();
  private final HrvEvents events;
  private final int maxBeats;
  private long lastClosedEndMs = Long.MIN_VALUE;

  /**
   * Window timing comes from sample timestamps and the {@code nowMs} passed to {@link
   * #closeWindowsUpTo(long)}; there is no clock.
   *
   * @param events told of every late sample, artifact, skipped subject-window, eviction and
   *     overflow (also of the artifact filter's rejections); {@link HrvEvents#NONE} to ignore them
   */
  public HrvWindowEngine(HrvConfig config, HrvEvents events) {
    this.config = config;
    this.events = events;
    this.filter = new RrArtifactFilter(config, events);
    this.timeDomain = new TimeDomain(config);
    this.maxBeats =
        (int) Math.ceil(2.0 * (config.windowMs() + config.latenessMs()) / config.rrMinMs()) + 16;
  }

  /** How far behind the close limit the first close of a window range may start, in ms. */
  static final long MAX_CATCH_UP_MS = 3_600_000;

  /**
   * Adds a sample's beats. The caller has already passed the consent gate.
   *
   * @param subjectId pseudonymous participant id the device is bound to
   * @param site site of the binding (kept from the latest sample)
   * @param programme programme of the binding (kept from the latest sample)
   * @return false when the sample was dropped as late, true otherwise (also when it had no RRs)
   */
  public boolean onSample(String subjectId, String site, String programme, HrSample s) {
    if (s.timestampMs() < lastClosedEndMs) {
      events.lateSample(s.site(), s.timestampMs(), lastClosedEndMs);
      return false;
    }
    List<Double> rrs = s.rrMs();
    if (rrs.isEmpty()) {
      return true;
    }
    SubjectState state =
        subjects.computeIfAbsent(
            subjectId, id -> new SubjectState(filter.newHistory(), site, programme));
    state.site = site;
    state.programme = programme;
    boolean contactLost = s.contact() == Contact.NOT_DETECTED;
    long[] ends = new long[rrs.size()];
    double back = 0;
    for (int i = rrs.size() - 1; i >= 0; i--) {
      ends[i] = s.timestampMs() - Math.round(back);
      double rr = rrs.get(i);
      back += Double.isFinite(rr) && rr > 0 ? rr : 0;
    }
    for (int i = 0; i < rrs.size(); i++) {
      double rr = rrs.get(i);
      boolean accepted = filter.check(state.history, rr, contactLost).isEmpty();
      state.insert(new Beat(ends[i], rr, accepted));
    }
    int excess = state.beats().size() - maxBeats;
    if (excess > 0) {
      state.dropOldest(excess);
      events.beatsOverflowed(excess);
    }
    return true;
  }

  /**
   * Closes every window whose end {@code e} satisfies {@code e + lateness <= nowMs} and that was
   * not closed before, then evicts idle subjects.
   *
   * @param nowMs current time, epoch ms (from the injected clock); must not go backwards in effect
   *     (a smaller value simply closes nothing)
   * @return the closed windows that contained any beat, oldest first
   */
  public List<HrvWindow> closeWindowsUpTo(long nowMs) {
    long step = config.stepMs();
    long limit = Math.floorDiv(nowMs - config.latenessMs(), step) * step;
    List<HrvWindow> out = new ArrayList<>();
    if (limit > lastClosedEndMs) {
      closeRange(limit, out);
    }
    evictIdle(nowMs);
    return out;
  }

  private void closeRange(long limit, List<HrvWindow> out) {
    long step = config.stepMs();
    long window = config.windowMs();
    long minEnd = Long.MAX_VALUE;
    long maxEnd = Long.MIN_VALUE;
    for (SubjectState state : subjects.values()) {
      if (!state.beats().isEmpty()) {
        minEnd = Math.min(minEnd, state.beats().get(0).endMs());
        maxEnd = Math.max(maxEnd, state.beats().get(state.beats().size() - 1).endMs());
      }
    }
    if (minEnd != Long.MAX_VALUE) {
      long first = Math.floorDiv(minEnd, step) * step + step;
      if (lastClosedEndMs != Long.MIN_VALUE) {
        first = Math.max(first, lastClosedEndMs + step);
      }
      // Beats stamped far in the past (a bridge without a real-time clock, absurd RRs) must not
      // make one close walk years of empty windows on the event loop: catch up one hour at most.
      first = Math.max(first, Math.floorDiv(limit - MAX_CATCH_UP_MS, step) * step);
      for (long e = first; e <= limit && e - window <= maxEnd; e += step) {
        closeOne(e, out);
      }
    }
    lastClosedEndMs = limit;
    long keepFrom = limit + step - window;
    for (SubjectState state : subjects.values()) {
      state.dropBefore(keepFrom);
    }
  }

  /**
   * Safe after closing: every window holding a beat {@code b} ends by {@code b + window}, so once
   * {@code now - b > window + lateness} all of them are closed.
   */
  private void evictIdle(long nowMs) {
    long idleMs = config.windowMs() + config.latenessMs();
    for (Iterator<SubjectState> it = subjects.values().iterator(); it.hasNext(); ) {
      if (nowMs - it.next().lastBeatEndMs > idleMs) {
        it.remove();
        events.subjectEvicted();
      }
    }
  }

  private void closeOne(long end, List<HrvWindow> out) {
    long from = end - config.windowMs();
    List<HrvFeatures> features = new ArrayList<>();
    boolean anyBeat = false;
    for (Map.Entry<String, SubjectState> entry : subjects.entrySet()) {
      SubjectState state = entry.getValue();
      TimeDomain.Sums sums = timeDomain.compute(state.beats(), from, end);
      if (sums.total() == 0) {
        continue;
      }
      anyBeat = true;
      if (sums.clean() < config.minCleanBeats()) {
        events.windowSkipped(SkipReason.FEW_CLEAN_BEATS);
      } else if (sums.pairs() == 0) {
        events.windowSkipped(SkipReason.NO_SUCCESSIVE_PAIRS);
      } else {
        features.add(
            new HrvFeatures(
                entry.getKey(),
                state.site,
                state.programme,
                end,
                60000.0 / sums.meanNn(),
                sums.rmssd(),
                sums.sdnn(),
                sums.pnn50(),
                sums.meanNn(),
                sums.clean(),
                (double) (sums.total() - sums.clean()) / sums.total()));
      }
    }
    if (anyBeat) {
      out.add(new HrvWindow(end, features));
    }
  }

  /** Forgets everything about a subject (consent revoked). Unknown ids are ignored. */
  public void purge(String subjectId) {
    subjects.remove(subjectId);
  }

  /** Cumulative artifact counts of a subject, empty if it has no state. */
  public Optional<ArtifactCounts> artifactCounts(String subjectId) {
    return Optional.ofNullable(subjects.get(subjectId)).map(s -> s.history.counts());
  }

  /** Subjects currently held (the agent's {@code affectgate.hrv.subjects} gauge). */
  public int subjectCount() {
    return subjects.size();
  }

  /** Beats currently buffered for a subject (0 if unknown); for tests and the status page. */
  public int bufferedBeats(String subjectId) {
    SubjectState state = subjects.get(subjectId);
    return state == null ? 0 : state.beats().size();
  }
}
