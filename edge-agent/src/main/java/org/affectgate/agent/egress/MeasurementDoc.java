package org.affectgate.agent.egress;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;

/**
 * What one synced measurement means for a reader at HQ: the descriptive half of an {@link
 * EgressSchema} entry, rendered into the data contract by {@link DataContract}. Immutable.
 *
 * @param summary one sentence: what a point is
 * @param source the agent component that produces it
 * @param cadence how often a point is written, e.g. {@code one per closed 60 s window}
 * @param window what the timestamp means and what the point covers
 * @param suppression what an absent point means (k-suppression), for a reader
 * @param consent the consent purpose(s) without which nothing of a person enters the measurement
 * @param tags meaning of each tag key
 * @param fields per field name, or per prefix pattern such as {@code p_*} (one entry covers every
 *     field the schema allows with that prefix)
 */
public record MeasurementDoc(
    String summary,
    String source,
    String cadence,
    String window,
    String suppression,
    String consent,
    Map<String, String> tags,
    Map<String, FieldDoc> fields) {

  public MeasurementDoc {
    Objects.requireNonNull(summary, "summary");
    Objects.requireNonNull(source, "source");
    Objects.requireNonNull(cadence, "cadence");
    Objects.requireNonNull(window, "window");
    Objects.requireNonNull(suppression, "suppression");
    Objects.requireNonNull(consent, "consent");
    tags = java.util.Collections.unmodifiableMap(new LinkedHashMap<>(tags));
    fields = java.util.Collections.unmodifiableMap(new LinkedHashMap<>(fields));
  }

  /**
   * One field's unit, value range and meaning.
   *
   * @param unit e.g. {@code bpm}, {@code ms}, {@code share 0..1}, {@code count}
   * @param range the values a reader can see, e.g. {@code >= k}, {@code 0..1}
   * @param meaning one sentence
   */
  public record FieldDoc(String unit, String range, String meaning) {}

  /** The doc of {@code field}: its own entry, else the entry of a matching {@code prefix*}. */
  FieldDoc field(String field) {
    FieldDoc exact = fields.get(field);
    if (exact != null) {
      return exact;
    }
    for (Map.Entry<String, FieldDoc> e : fields.entrySet()) {
      String key = e.getKey();
      if (key.endsWith("*") && field.startsWith(key.substring(0, key.length() - 1))) {
        return e.getValue();
      }
    }
    return null;
  }

  static Builder builder(String summary) {
    return new Builder(summary);
  }

  /** Collects a doc in declaration order (tables follow it). */
  static final class Builder {
    private final String summary;
    private String source = "";
    private String cadence = "";
    private String window = "";
    private String suppression = "";
    private String consent = "";
    private final Map<String, String> tags = new LinkedHashMap<>();
    private final Map<String, FieldDoc> fields = new LinkedHashMap<>();

    private Builder(String summary) {
      this.summary = summary;
    }

    Builder source(String v) {
      source = v;
      return this;
    }

    Builder cadence(String v) {
      cadence = v;
      return this;
    }

    Builder window(String v) {
      window = v;
      return this;
    }

    Builder suppression(String v) {
      suppression = v;
      return this;
    }

    Builder consent(String v) {
      consent = v;
      return this;
    }

    Builder tag(String key, String meaning) {
      tags.put(key, meaning);
      return this;
    }

    Builder field(String name, String unit, String range, String meaning) {
      fields.put(name, new FieldDoc(unit, range, meaning));
      return this;
    }

    MeasurementDoc build() {
      return new MeasurementDoc(
          summary, source, cadence, window, suppression, consent, tags, fields);
    }
  }
}
