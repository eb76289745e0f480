package org.affectgate.agent.pipeline;

import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.affectgate.sync.testing.ExportedSeries;
import org.affectgate.sync.testing.VictoriaMetricsServer;

/** The {@code hrv_window_*} series as stored in VictoriaMetrics, indexed for assertions. */
final class VmExport {
  private VmExport() {}

  static List<ExportedSeries> hrvWindowSeries(VictoriaMetricsServer vm) {
    vm.flush();
    return vm.exportJson("{__name__=~\"hrv_window_.*\"}");
  }

  /**
   * Value by field name (series name without {@code hrv_window_}), then by timestamp; fails if a
   * series holds the same timestamp twice, i.e. a point was stored twice.
   */
  static Map<String, Map<Long, Double>> byFieldAndTime(VictoriaMetricsServer vm) {
    Map<String, Map<Long, Double>> out = new TreeMap<>();
    for (ExportedSeries s : hrvWindowSeries(vm)) {
      String field = s.name().substring("hrv_window_".length());
      Map<Long, Double> m = out.computeIfAbsent(field, k -> new TreeMap<>());
      for (int i = 0; i < s.timestamps().size(); i++) {
        if (m.put(s.timestamps().get(i), s.values().get(i)) != null) {
          throw new AssertionError(
              "point stored twice: " + s.labels() + " at " + s.timestamps().get(i));
        }
      }
    }
    return out;
  }
}
