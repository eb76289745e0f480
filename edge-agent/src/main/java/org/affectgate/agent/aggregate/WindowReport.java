package org.affectgate.agent.aggregate;

import java.time.Instant;
import java.util.List;
import java.util.stream.Collectors;
import org.affectgate.sync.Metric;

/**
 * What one window produced.
 *
 * @param windowEndMs window end, epoch ms
 * @param emitted published group metrics, sorted by (site, programme)
 * @param suppressed groups withheld for having fewer than k subjects, sorted by (site, programme)
 */
public record WindowReport(
    long windowEndMs, List<Metric> emitted, List<SuppressedGroup> suppressed) {

  public WindowReport {
    emitted = List.copyOf(emitted);
    suppressed = List.copyOf(suppressed);
  }

  /**
   * One line for the CLI and the log, e.g. {@code window 2024-01-01T00:01:00Z: 1 group emitted
   * [s1/p1 n=6], 1 suppressed [s2/p1 n=3 < k]}.
   */
  public String summaryLine() {
    String out =
        emitted.stream()
            .map(
                m ->
                    m.tags().get("site")
                        + "/"
                        + m.tags().get("programme")
                        + " n="
                        + m.fields().get("subjects").intValue())
            .collect(Collectors.joining(", ", "[", "]"));
    String held =
        suppressed.stream()
            .map(g -> g.site() + "/" + g.programme() + " n=" + g.subjects() + " < k")
            .collect(Collectors.joining(", ", "[", "]"));
    return "window "
        + Instant.ofEpochMilli(windowEndMs)
        + ": "
        + emitted.size()
        + (emitted.size() == 1 ? " group" : " groups")
        + " emitted "
        + out
        + ", "
        + suppressed.size()
        + " suppressed "
        + held;
  }
}
