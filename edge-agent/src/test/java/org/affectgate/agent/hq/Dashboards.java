package org.affectgate.agent.hq;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

/**
 * The HQ Grafana dashboards, generated (issue 13 §3): each panel query is one {@link Query} value
 * rendered twice, as MetricsQL for the VictoriaMetrics data source and as Flux for the InfluxDB v2
 * one, so the two families are equivalent by construction (Flux cannot be executed here: Debian's
 * InfluxDB is 1.x). {@code DashboardFilesTest} checks that the committed files under {@code
 * deploy/hq/grafana/dashboards} equal {@link #render()}.
 */
final class Dashboards {
  static final String VM_UID = "affectgate-vm";
  static final String INFLUX_UID = "affectgate-influx";
  static final String BUCKET = "affectgate";
  static final String NO_DATA =
      "No data for this selection: no gateway reports it, the variable selects nothing, or every"
          + " window was below k (suppressed)";

  private Dashboards() {}

  /** How one query reduces the raw points. */
  enum Kind {
    /** {@code across by (by) (overTime_over_time(series[$__interval]))}. */
    SERIES,
    /** Seconds since each gateway's last point ({@code time() - tlast_over_time}). */
    SILENCE,
    /** How many (site, gateway) pairs reported in the last 5 minutes, {@code count by (by)}. */
    REPORTING,
    /** Points written per hour, summed by (by): gaps show suppressed or missing windows. */
    PER_HOUR,
    /** {@code sum by (by) (increase(series[$__interval]))} of a cumulative counter. */
    INCREASE,
    /**
     * A daily point (stamped at the UTC day's start, written after the day closed), held over its
     * day: {@code across by (by) (last_over_time(series[1d]))}.
     */
    DAILY
  }

  /** The look-behind of {@link Kind#DAILY} queries: a point shows for the day it describes. */
  static final String DAILY_LOOKBEHIND = "[1d]";

  /**
   * One panel query.
   *
   * @param measurement an {@code EgressSchema} measurement
   * @param field one of its fields
   * @param overTime per series over the interval: avg, max, min or last
   * @param across across series: sum, avg, max or min
   * @param by the labels every result series carries (the legend names them)
   * @param legend legend text for a query without {@code by} labels
   */
  record Query(
      Kind kind,
      String measurement,
      String field,
      String overTime,
      String across,
      List<String> by,
      String legend) {

    String series() {
      return measurement + "_" + field;
    }

    String legendFormat() {
      if (by.isEmpty()) {
        return legend;
      }
      String labels = by.stream().map(l -> "{{" + l + "}}").collect(Collectors.joining(" "));
      return legend.isEmpty() ? labels : labels + " " + legend;
    }
  }

  record Panel(String title, String type, String unit, String description, List<Query> queries) {}

  /**
   * @param variables template variables, each filtering the label of the same name
   */
  record Dashboard(
      String uid, String file, String title, List<String> variables, List<Panel> panels) {}

  static Query series(String m, String f, String overTime, String across, String... by) {
    return new Query(Kind.SERIES, m, f, overTime, across, List.of(by), "");
  }

  static Query legend(Query q, String legend) {
    return new Query(
        q.kind(), q.measurement(), q.field(), q.overTime(), q.across(), q.by(), legend);
  }

  static Panel panel(String title, String type, String unit, String description, Query... q) {
    return new Panel(title, type, unit, description, List.of(q));
  }

  static final String H = "gateway_health";

  static List<Dashboard> all() {
    List<Dashboard> out = new ArrayList<>();
    out.add(
        new Dashboard(
            "affectgate-fleet",
            "fleet.json",
            "Affectgate / Fleet",
            List.of("site"),
            List.of(
                panel(
                    "Gateways reporting (last 5 min)",
                    "stat",
                    "none",
                    "Distinct (site, gateway) with a gateway_health point in the last 5 minutes.",
                    new Query(
                        Kind.REPORTING, H, "uptime_s", "last", "count", List.of(), "gateways")),
                panel(
                    "Seconds since last health point",
                    "bargauge",
                    "s",
                    "Over 900 s fires GatewaySilent. A gateway silent for more than 3 days drops"
                        + " out of this panel.",
                    new Query(
                        Kind.SILENCE,
                        H,
                        "uptime_s",
                        "last",
                        "max",
                        List.of("site", "gateway"),
                        "")),
                panel(
                    "Gateways by agent version",
                    "piechart",
                    "none",
                    "From the agent_version tag of the latest health point.",
                    new Query(
                        Kind.REPORTING,
                        H,
                        "uptime_s",
                        "last",
                        "count",
                        List.of("agent_version"),
                        "")),
                panel(
                    "Data contract version (fleet min)",
                    "stat",
                    "none",
                    "contract_version every gateway reports; a mixed fleet shows min < max.",
                    legend(series(H, "contract_version", "last", "min"), "min")),
                panel(
                    "Sync lag: seconds since the store last accepted a write",
                    "timeseries",
                    "s",
                    "-1 = nothing accepted since the agent started.",
                    series(H, "last_sync_age_s", "max", "max", "site", "gateway")),
                panel(
                    "Outbox backlog (points)",
                    "timeseries",
                    "none",
                    "Points waiting on the gateway; growing for 30 min fires BacklogGrowing.",
                    series(H, "outbox_depth", "max", "max", "site", "gateway")),
                panel(
                    "Oldest unsent point (s)",
                    "timeseries",
                    "s",
                    "",
                    series(H, "outbox_oldest_age_s", "max", "max", "site", "gateway")),
                panel(
                    "Dead letters",
                    "timeseries",
                    "none",
                    "Points the store refused (e.g. a schema version it rejects); any fires"
                        + " DeadLetters. Inspect with `affectgate dead-letters` on the gateway.",
                    series(H, "dead_letters", "max", "max", "site", "gateway")),
                panel(
                    "Rejected inputs per interval",
                    "timeseries",
                    "none",
                    "Malformed or refused device input (all reasons); per reason in the"
                        + " gateway_health_rejected_<reason> series.",
                    new Query(
                        Kind.INCREASE, H, "rejected_total", "last", "sum", List.of("site"), "")),
                panel(
                    "MQTT connected (min over interval)",
                    "timeseries",
                    "none",
                    "1 = connected to the local broker for the whole interval.",
                    series(H, "mqtt_connected", "min", "min", "site", "gateway")))));
    out.add(
        new Dashboard(
            "affectgate-wellness",
            "wellness.json",
            "Affectgate / Wellness programmes",
            List.of("site", "programme"),
            List.of(
                panel(
                    "Participants per window",
                    "timeseries",
                    "none",
                    "Sum over sites of the wearers in each window (each window has >= k).",
                    series("hrv_window", "subjects", "avg", "sum", "programme")),
                panel(
                    "Heart rate p10 / p50 / p90 (bpm)",
                    "timeseries",
                    "bpm",
                    "Distribution of the wearers' mean heart rate per window.",
                    legend(series("hrv_window", "hr_p10", "avg", "avg", "programme"), "p10"),
                    legend(series("hrv_window", "hr_p50", "avg", "avg", "programme"), "p50"),
                    legend(series("hrv_window", "hr_p90", "avg", "avg", "programme"), "p90")),
                panel(
                    "RMSSD p10 / p50 / p90 (ms)",
                    "timeseries",
                    "ms",
                    "",
                    legend(series("hrv_window", "rmssd_p10", "avg", "avg", "programme"), "p10"),
                    legend(series("hrv_window", "rmssd_p50", "avg", "avg", "programme"), "p50"),
                    legend(series("hrv_window", "rmssd_p90", "avg", "avg", "programme"), "p90")),
                panel(
                    "Stress share (where enabled)",
                    "timeseries",
                    "percentunit",
                    "Share of wearers rated stressed per 180 s window; StressAboveBaseline fires"
                        + " at 1.5x the programme's own 14-day mean.",
                    series("hrv_stress_window", "stress_share", "avg", "avg", "site", "programme")),
                panel(
                    "Signal quality: artifact share",
                    "timeseries",
                    "percentunit",
                    "",
                    series("hrv_window", "artifact_share", "avg", "avg", "programme")),
                panel(
                    "Windows written per hour",
                    "timeseries",
                    "none",
                    "60 per hour while wearers are on; fewer = windows suppressed below k (or a"
                        + " silent gateway). Suppressed windows are never written, so they show"
                        + " only as gaps.",
                    new Query(
                        Kind.PER_HOUR,
                        "hrv_window",
                        "subjects",
                        "count",
                        "sum",
                        List.of("site", "programme"),
                        "")))));
    List<Query> faceMix = new ArrayList<>();
    for (String label : SimGateway.FACE) {
      faceMix.add(legend(series("face_expression_window", "p_" + label, "avg", "avg"), label));
    }
    List<Query> voiceMix = new ArrayList<>();
    for (String c : SimGateway.VOICE) {
      voiceMix.add(legend(series("voice_window", "p_" + c + "_mean", "avg", "avg"), c));
    }
    out.add(
        new Dashboard(
            "affectgate-kiosks",
            "kiosks.json",
            "Affectgate / Kiosks",
            List.of("site", "kiosk"),
            List.of(
                new Panel(
                    "Expression mix (mean probability)",
                    "timeseries",
                    "percentunit",
                    "Mean over kiosks of the face tracks' smoothed expression distribution.",
                    faceMix),
                panel(
                    "Faces per window",
                    "timeseries",
                    "none",
                    "",
                    series("face_expression_window", "faces", "avg", "sum", "site", "kiosk")),
                new Panel(
                    "Voice emotion mix (mean probability)",
                    "timeseries",
                    "percentunit",
                    "Per site (voice windows carry no kiosk tag).",
                    voiceMix),
                panel(
                    "Voice arousal and valence",
                    "timeseries",
                    "none",
                    "",
                    legend(series("voice_window", "arousal_mean", "avg", "avg"), "arousal"),
                    legend(series("voice_window", "valence_mean", "avg", "avg"), "valence")),
                panel(
                    "Kiosk sessions per window",
                    "timeseries",
                    "none",
                    "",
                    series("voice_window", "sessions", "avg", "sum", "site")),
                panel(
                    "Face windows written per hour",
                    "timeseries",
                    "none",
                    "Gaps = windows with fewer than k faces (suppressed) or a closed kiosk.",
                    new Query(
                        Kind.PER_HOUR,
                        "face_expression_window",
                        "faces",
                        "count",
                        "sum",
                        List.of("site", "kiosk"),
                        "")),
                panel(
                    "Staff escalations per day",
                    "timeseries",
                    "none",
                    ESCALATION_NOTE,
                    daily("escalations", "sum")),
                panel(
                    "Escalations acknowledged (share)",
                    "timeseries",
                    "percentunit",
                    ESCALATION_NOTE,
                    daily("acknowledged_share", "avg")),
                panel(
                    "Median acknowledgement time",
                    "timeseries",
                    "s",
                    ESCALATION_NOTE + " Days without an acknowledged escalation have no median.",
                    daily("ack_median_s", "max")),
                panel(
                    "Visitor sessions with an escalation per day",
                    "timeseries",
                    "none",
                    ESCALATION_NOTE,
                    daily("sessions", "sum")))));
    return out;
  }

  static final String ESCALATION_NOTE =
      "staff_escalation_day: one point per site and UTC day, written after the day closes and"
          + " stamped at its start; a day with fewer than k visitor sessions has no point"
          + " (suppressed), a day without escalations neither.";

  static Query daily(String field, String across) {
    return new Query(
        Kind.DAILY, "staff_escalation_day", field, "last", across, List.of("site"), "");
  }

  // ---- MetricsQL ----

  static String selector(Query q, List<String> variables) {
    List<String> matchers = new ArrayList<>();
    for (String v : variables) {
      if (labelsOf(q.measurement()).contains(v)) {
        matchers.add(v + "=~\"$" + v + "\"");
      }
    }
    return q.series() + "{" + String.join(", ", matchers) + "}";
  }

  /** The labels points of {@code measurement} carry (from the data contract). */
  static List<String> labelsOf(String measurement) {
    return List.copyOf(
        new java.util.TreeSet<>(
            org.affectgate.agent.egress.DataContract.schema(measurement).tagKeys()));
  }

  static String by(List<String> by) {
    return by.isEmpty() ? "" : " by (" + String.join(", ", by) + ")";
  }

  static String metricsql(Query q, List<String> variables) {
    String s = selector(q, variables);
    return switch (q.kind()) {
      case SERIES ->
          q.across() + by(q.by()) + " (" + q.overTime() + "_over_time(" + s + "[$__interval]))";
      case SILENCE -> "time() - max" + by(q.by()) + " (tlast_over_time(" + s + "[3d]))";
      case REPORTING ->
          "count"
              + by(q.by())
              + " (max by (site, gateway"
              + q.by().stream().map(l -> ", " + l).collect(Collectors.joining())
              + ") (last_over_time("
              + s
              + "[5m])))";
      case PER_HOUR -> "sum" + by(q.by()) + " (count_over_time(" + s + "[1h]))";
      case INCREASE -> "sum" + by(q.by()) + " (increase(" + s + "[$__interval]))";
      case DAILY -> q.across() + by(q.by()) + " (last_over_time(" + s + DAILY_LOOKBEHIND + "))";
    };
  }

  // ---- Flux: the same Query, step by step ----

  static String flux(Query q, List<String> variables) {
    StringBuilder f = new StringBuilder();
    String range =
        switch (q.kind()) {
          case SILENCE -> "range(start: -3d)";
          case REPORTING -> "range(start: -5m)";
          // From the start of the first day, like MetricsQL's [1d] look-behind.
          case DAILY ->
              "range(start: date.truncate(t: v.timeRangeStart, unit: 1d), stop:"
                  + " v.timeRangeStop)";
          default -> "range(start: v.timeRangeStart, stop: v.timeRangeStop)";
        };
    if (q.kind() == Kind.DAILY) {
      f.append("import \"date\"\n\n");
    }
    f.append("from(bucket: \"")
        .append(BUCKET)
        .append("\")\n  |> ")
        .append(range)
        .append("\n  |> filter(fn: (r) => r._measurement == \"")
        .append(q.measurement())
        .append("\" and r._field == \"")
        .append(q.field())
        .append("\")\n");
    for (String v : variables) {
      if (labelsOf(q.measurement()).contains(v)) {
        f.append("  |> filter(fn: (r) => r.")
            .append(v)
            .append(" =~ /^${")
            .append(v)
            .append(":regex}$/)\n");
      }
    }
    String cols = q.by().stream().map(l -> "\"" + l + "\"").collect(Collectors.joining(", "));
    switch (q.kind()) {
      case SERIES ->
          f.append("  |> aggregateWindow(every: v.windowPeriod, fn: ")
              .append(fluxFn(q.overTime()))
              .append(", createEmpty: false)\n  |> group(columns: [")
              .append(cols)
              .append("])\n  |> aggregateWindow(every: v.windowPeriod, fn: ")
              .append(fluxFn(q.across()))
              .append(", createEmpty: false)");
      case SILENCE ->
          f.append("  |> last()\n  |> group(columns: [")
              .append(cols)
              .append("])\n  |> max(column: \"_time\")\n")
              .append(
                  "  |> map(fn: (r) => ({r with _value: float(v: uint(v: now()) - uint(v:"
                      + " r._time)) / 1000000000.0}))");
      case REPORTING ->
          f.append("  |> last()\n  |> group(columns: [").append(cols).append("])\n  |> count()");
      case PER_HOUR ->
          f.append("  |> aggregateWindow(every: 1h, fn: count, createEmpty: false)\n")
              .append("  |> group(columns: [")
              .append(cols)
              .append("])\n  |> aggregateWindow(every: 1h, fn: sum, createEmpty: false)");
      case INCREASE ->
          f.append("  |> increase()\n  |> aggregateWindow(every: v.windowPeriod, fn: last,")
              .append(" createEmpty: false)\n  |> difference(nonNegative: true)\n")
              .append("  |> group(columns: [")
              .append(cols)
              .append(
                  "])\n  |> aggregateWindow(every: v.windowPeriod, fn: sum, createEmpty: false)");
      case DAILY ->
          f.append("  |> aggregateWindow(every: 1d, fn: last, createEmpty: false,")
              .append(" timeSrc: \"_start\")\n  |> group(columns: [")
              .append(cols)
              .append("])\n  |> aggregateWindow(every: 1d, fn: ")
              .append(fluxFn(q.across()))
              .append(", createEmpty: false, timeSrc: \"_start\")");
    }
    return f.toString();
  }

  private static String fluxFn(String fn) {
    return switch (fn) {
      case "avg" -> "mean";
      case "max", "min", "sum", "last", "count" -> fn;
      default -> throw new IllegalArgumentException("no Flux function for " + fn);
    };
  }

  // ---- JSON ----

  static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

  /** File path (relative to {@code deploy/hq/grafana/dashboards}) to file content. */
  static Map<String, String> render() {
    Map<String, String> out = new LinkedHashMap<>();
    for (Dashboard d : all()) {
      out.put("victoriametrics/" + d.file(), json(d, false));
      out.put("influxdb/" + d.file(), json(d, true));
    }
    return out;
  }

  static String json(Dashboard d, boolean flux) {
    ObjectNode root = JSON.createObjectNode();
    root.put("uid", flux ? d.uid() + "-flux" : d.uid());
    root.put("title", flux ? d.title() + " (InfluxDB)" : d.title());
    root.put("schemaVersion", 39);
    root.put("version", 1);
    root.put("editable", true);
    root.put("refresh", "1m");
    root.putObject("time").put("from", "now-7d").put("to", "now");
    root.putArray("tags").add("affectgate").add(flux ? "influxdb" : "victoriametrics");
    root.put(
        "description",
        "Generated by org.affectgate.agent.hq.Dashboards from the data contract"
            + " (edge-agent/docs/data-contract.md); edit the generator, not this file.");
    ArrayNode vars = root.putObject("templating").putArray("list");
    for (String v : d.variables()) {
      ObjectNode var = vars.addObject();
      var.put("name", v);
      var.put("label", v);
      var.put("type", "query");
      var.put("includeAll", true);
      var.put("multi", true);
      var.put("allValue", ".*");
      var.put("refresh", 2);
      var.put("sort", 1);
      var.putObject("current").put("text", "All").put("value", "$__all");
      datasource(var, flux);
      var.put("query", variableQuery(d, v, flux));
      var.put("definition", variableQuery(d, v, flux));
    }
    ArrayNode panels = root.putArray("panels");
    int id = 1;
    for (Panel p : d.panels()) {
      ObjectNode panel = panels.addObject();
      panel.put("id", id);
      panel.put("title", p.title());
      panel.put("type", p.type());
      panel.put("description", p.description());
      int i = id - 1;
      panel
          .putObject("gridPos")
          .put("h", 8)
          .put("w", 12)
          .put("x", (i % 2) * 12)
          .put("y", (i / 2) * 8);
      datasource(panel, flux);
      ObjectNode fieldConfig = panel.putObject("fieldConfig");
      ObjectNode defaults = fieldConfig.putObject("defaults");
      defaults.put("unit", p.unit());
      defaults.put("noValue", NO_DATA);
      fieldConfig.putArray("overrides");
      ArrayNode targets = panel.putArray("targets");
      char ref = 'A';
      for (Query q : p.queries()) {
        ObjectNode t = targets.addObject();
        t.put("refId", String.valueOf(ref++));
        datasource(t, flux);
        if (flux) {
          t.put("query", flux(q, d.variables()));
        } else {
          t.put("expr", metricsql(q, d.variables()));
          t.put("legendFormat", q.legendFormat());
          t.put("range", true);
        }
      }
      id++;
    }
    try {
      return JSON.writeValueAsString(root) + "\n";
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** The query listing a variable's values: from the first measurement that carries the label. */
  static String variableQuery(Dashboard d, String variable, boolean flux) {
    String measurement =
        switch (variable) {
          case "site" -> H;
          case "programme" -> "hrv_window";
          case "kiosk" -> "face_expression_window";
          default -> throw new IllegalArgumentException("no values query for $" + variable);
        };
    String field =
        org.affectgate.agent.egress.DataContract.schema(measurement).fields().stream()
            .sorted()
            .findFirst()
            .orElseThrow();
    if (flux) {
      return "import \"influxdata/influxdb/schema\"\nschema.measurementTagValues(bucket: \""
          + BUCKET
          + "\", measurement: \""
          + measurement
          + "\", tag: \""
          + variable
          + "\")";
    }
    String filter = variable.equals("site") ? "" : "{site=~\"$site\"}";
    return "label_values(" + measurement + "_" + field + filter + ", " + variable + ")";
  }

  private static void datasource(ObjectNode node, boolean flux) {
    node.putObject("datasource")
        .put("type", flux ? "influxdb" : "prometheus")
        .put("uid", flux ? INFLUX_UID : VM_UID);
  }

  /** Writes {@link #render()} under {@code dir}. */
  static void write(Path dir) throws IOException {
    for (Map.Entry<String, String> e : render().entrySet()) {
      Path f = dir.resolve(e.getKey());
      java.nio.file.Files.createDirectories(f.getParent());
      java.nio.file.Files.writeString(f, e.getValue());
    }
  }
}
