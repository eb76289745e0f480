package org.affectgate.agent.cli;

import java.io.PrintWriter;
import java.time.Instant;
import java.util.Locale;
import org.affectgate.agent.aggregate.WindowReport;
import org.affectgate.agent.pipeline.WearablePipeline;
import org.affectgate.agent.stress.StressReport;
import org.affectgate.sync.Metric;

/**
 * Prints one line per (window, site, programme): the aggregate that goes to the outbox, or the
 * suppression when fewer than k subjects contributed. Never prints a participant or device id.
 * Public for the demo module, whose {@code demo} command prints the same lines as {@code run}.
 * Called on the pipeline's thread; each line is flushed.
 */
public final class WindowLinePrinter implements WearablePipeline.WindowListener {
  private final PrintWriter out;
  private final int k;

  /**
   * @param out where the lines go
   * @param k the configured minimum group size, quoted in suppression lines
   */
  public WindowLinePrinter(PrintWriter out, int k) {
    this.out = out;
    this.k = k;
  }

  @Override
  public void onWindow(WindowReport report) {
    String end = Instant.ofEpochMilli(report.windowEndMs()).toString();
    for (Metric m : report.emitted()) {
      var f = m.fields();
      out.println(
          String.format(
              Locale.ROOT,
              "%s window site=%s programme=%s subjects=%d hr_mean=%.1f bpm [p10 %.1f p50 %.1f p90 %.1f]"
                  + " rmssd_mean=%.1f ms [p10 %.1f p50 %.1f p90 %.1f] artifacts=%.1f%% -> outbox",
              end,
              m.tags().get("site"),
              m.tags().get("programme"),
              f.get("subjects").longValue(),
              f.get("hr_mean"),
              f.get("hr_p10"),
              f.get("hr_p50"),
              f.get("hr_p90"),
              f.get("rmssd_mean"),
              f.get("rmssd_p10"),
              f.get("rmssd_p50"),
              f.get("rmssd_p90"),
              100 * f.get("artifact_share")));
    }
    for (var s : report.suppressed()) {
      out.println(
          String.format(
              Locale.ROOT,
              "%s window site=%s programme=%s subjects=%d suppressed (k=%d)",
              end,
              s.site(),
              s.programme(),
              s.subjects(),
              k));
    }
    out.flush();
  }

  /** One line per (180 s stress window, site, programme): stress share and mean P(stress). */
  @Override
  public void onStressWindow(StressReport report) {
    String end = Instant.ofEpochMilli(report.windowEndMs()).toString();
    for (Metric m : report.emitted()) {
      var f = m.fields();
      out.println(
          String.format(
              Locale.ROOT,
              "%s stress window site=%s programme=%s subjects=%d stressed=%d (%.0f%%)"
                  + " p_stress_mean=%.2f -> outbox",
              end,
              m.tags().get("site"),
              m.tags().get("programme"),
              f.get("subjects").longValue(),
              f.get("stressed").longValue(),
              100 * f.get("stress_share"),
              f.get("p_stress_mean")));
    }
    for (var s : report.suppressed()) {
      out.println(
          String.format(
              Locale.ROOT,
              "%s stress window site=%s programme=%s subjects=%d suppressed (k=%d)",
              end,
              s.site(),
              s.programme(),
              s.subjects(),
              k));
    }
    out.flush();
  }

  @Override
  public void onPurge(WearablePipeline.PurgeReport report) {
    out.println(
        String.format(
            Locale.ROOT,
            "consent withdrawn: %d participant(s) purged from memory; %d of %d unsent outbox points"
                + " could single them out and were discarded (k-aggregates stay); their data is"
                + " absent from the next windows",
            report.subjects(),
            report.outboxDiscarded(),
            report.outboxScanned()));
    out.flush();
  }
}
