package org.affectgate.agent.egress;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;

/**
 * The HQ data contract: every measurement the agent can sync, rendered as Markdown from the egress
 * allow-list itself, so the document ({@code edge-agent/docs/data-contract.md}, checked by {@code
 * DataContractTest}) cannot drift from what the gate lets out. Pure; any thread.
 */
public final class DataContract {
  private DataContract() {}

  /**
   * Every measurement the agent can sync, in document order. A new {@link EgressSchema} entry is
   * added here too (with a {@link MeasurementDoc}); the contract test names any entry without one.
   */
  public static final List<EgressSchema> MEASUREMENTS =
      List.of(
          EgressSchema.HRV_WINDOW,
          EgressSchema.HRV_STRESS_WINDOW,
          EgressSchema.HRV_SUBJECT_WINDOW,
          EgressSchema.FACE_EXPRESSION_WINDOW,
          EgressSchema.VOICE_WINDOW,
          EgressSchema.STAFF_ESCALATION_DAY,
          EgressSchema.GATEWAY_HEALTH);

  /** The schema of {@code measurement}, or an exception naming the known ones. */
  public static EgressSchema schema(String measurement) {
    for (EgressSchema s : MEASUREMENTS) {
      if (s.measurement().equals(measurement)) {
        return s;
      }
    }
    throw new IllegalArgumentException(
        "unknown measurement "
            + measurement
            + "; the data contract has "
            + MEASUREMENTS.stream().map(EgressSchema::measurement).toList());
  }

  /**
   * Every problem that keeps {@code schemas} from being rendered (an entry without a doc, a field
   * or tag without a description, a description of a field that does not exist); empty when none.
   */
  public static List<String> problems(List<EgressSchema> schemas) {
    List<String> out = new ArrayList<>();
    for (EgressSchema s : schemas) {
      MeasurementDoc doc = s.doc();
      if (doc == null) {
        out.add(s.measurement() + ": no MeasurementDoc (add .documented(...) to its entry)");
        continue;
      }
      for (String tag : new TreeSet<>(s.tagKeys())) {
        if (!doc.tags().containsKey(tag)) {
          out.add(s.measurement() + ": tag " + tag + " is not described");
        }
      }
      for (String tag : doc.tags().keySet()) {
        if (!s.tagKeys().contains(tag)) {
          out.add(s.measurement() + ": described tag " + tag + " is not in the schema");
        }
      }
      for (String field : new TreeSet<>(s.fields())) {
        if (doc.field(field) == null) {
          out.add(s.measurement() + ": field " + field + " is not described");
        }
      }
      for (String field : doc.fields().keySet()) {
        boolean pattern = field.endsWith("*");
        String prefix = pattern ? field.substring(0, field.length() - 1) : field;
        boolean exists =
            pattern
                ? s.fields().stream().anyMatch(f -> f.startsWith(prefix))
                : s.fields().contains(field);
        if (!exists) {
          out.add(s.measurement() + ": described field " + field + " is not in the schema");
        }
      }
    }
    return out;
  }

  /** The contract for {@link #MEASUREMENTS}. */
  public static String render() {
    return render(MEASUREMENTS);
  }

  /**
   * Renders the contract.
   *
   * @throws IllegalStateException listing every {@link #problems} when there are any
   */
  public static String render(List<EgressSchema> schemas) {
    List<String> problems = problems(schemas);
    if (!problems.isEmpty()) {
      throw new IllegalStateException(
          "the data contract cannot be rendered:\n  " + String.join("\n  ", problems));
    }
    StringBuilder md = new StringBuilder();
    md.append("# Affectgate data contract (version ")
        .append(EgressSchema.CONTRACT_VERSION)
        .append(")\n\n")
        .append("<!-- Generated from EgressSchema by DataContract; do not edit. Regenerate:\n")
        .append("     mvn -o -B -q -pl edge-agent -am test -Dtest=DataContractTest")
        .append(" -Dsurefire.failIfNoSpecifiedTests=false -Daffectgate.contract.write=true -->\n\n")
        .append(
            """
            Every measurement an Affectgate gateway can write to the time-series store, and nothing \
            else: the agent's egress gate refuses any other measurement, tag key or field before \
            it is stored. Points are InfluxDB line protocol, precision ms, all fields floats.

            **In VictoriaMetrics** a point `m,tags f1=..,f2=..` becomes one series per field, \
            named `m_f1`, `m_f2`, with the tags as labels (e.g. `hrv_window_hr_mean{site,programme}`). \
            **In InfluxDB** it is measurement `m`, fields `f1`, `f2`, tags as tags.

            **Schema version.** Every gateway reports the contract version its points follow in \
            `gateway_health`'s `contract_version` field (currently %d). Evolution rule: adding a \
            measurement, a field or a tag is compatible and keeps the version (readers ignore what \
            they do not know; a new tag splits series, so dashboards aggregate with `sum by`/`max by` \
            over the tags they know). Renaming or removing a field, changing its unit, range or \
            meaning raises the contract version, and the changed measurement gets a new name \
            `<measurement>_v<N>` for the new meaning, so one series never mixes two meanings. A \
            store that refuses a point (for instance a field type conflict after such a change) \
            answers 400/422: the agent dead-letters exactly those points with the store's message, \
            visible in `gateway_health`'s `dead_letters` and on `/status`.

            **k-suppression.** Aggregates cover at least k distinct people (`aggregation.k`, \
            default 5). A group below k in a window is not written at all: a missing point means \
            *too few people*, never zero, and must not be filled, interpolated or subtracted from \
            a larger total.

            """
                .formatted(EgressSchema.CONTRACT_VERSION));
    md.append("| measurement | kind | tags | cadence | consent |\n|---|---|---|---|---|\n");
    for (EgressSchema s : schemas) {
      md.append("| [`")
          .append(s.measurement())
          .append("`](#")
          .append(s.measurement())
          .append(") | ")
          .append(kind(s))
          .append(" | ")
          .append(String.join(", ", new TreeSet<>(s.tagKeys())))
          .append(" | ")
          .append(s.doc().cadence())
          .append(" | ")
          .append(s.doc().consent())
          .append(" |\n");
    }
    for (EgressSchema s : schemas) {
      renderOne(md, s);
    }
    return md.toString();
  }

  private static String kind(EgressSchema s) {
    if (s.perSubject()) {
      return "per subject (opt-in)";
    }
    return s.device() ? "device" : "aggregate, k on `" + s.countField() + "`";
  }

  private static void renderOne(StringBuilder md, EgressSchema s) {
    MeasurementDoc doc = s.doc();
    md.append("\n## ").append(s.measurement()).append("\n\n");
    md.append(doc.summary()).append("\n\n");
    md.append("- **Kind:** ").append(kind(s)).append('\n');
    md.append("- **Source:** ").append(doc.source()).append('\n');
    md.append("- **Cadence:** ").append(doc.cadence()).append('\n');
    md.append("- **Window:** ").append(doc.window()).append('\n');
    md.append("- **Absent points / k-suppression:** ").append(doc.suppression()).append('\n');
    md.append("- **Consent purpose:** ").append(doc.consent()).append("\n\n");
    md.append("| tag | meaning |\n|---|---|\n");
    for (Map.Entry<String, String> t : doc.tags().entrySet()) {
      md.append("| `").append(t.getKey()).append("` | ").append(t.getValue()).append(" |\n");
    }
    md.append("\n| field | unit | range | meaning | VictoriaMetrics series |\n")
        .append("|---|---|---|---|---|\n");
    for (String field : new TreeSet<>(s.fields())) {
      MeasurementDoc.FieldDoc f = doc.field(field);
      md.append("| `")
          .append(field)
          .append("` | ")
          .append(f.unit())
          .append(" | ")
          .append(f.range())
          .append(" | ")
          .append(f.meaning())
          .append(" | `")
          .append(s.measurement())
          .append('_')
          .append(field)
          .append("` |\n");
    }
  }
}
