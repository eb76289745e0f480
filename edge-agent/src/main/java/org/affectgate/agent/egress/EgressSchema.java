package org.affectgate.agent.egress;

import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import org.affectgate.sync.Metric;

/**
 * The only measurements that may leave the device, with their exact tag keys, allowed fields and
 * the field that counts the distinct people an aggregate covers. Anything else is refused at the
 * outbox door, so a new pipeline cannot sync a per-person field or an identifying tag by accident.
 * The one exception is explicit: {@link #HRV_SUBJECT_WINDOW}, per-subject sync, admitted only for
 * subjects who opted in.
 *
 * @param measurement InfluxDB measurement name
 * @param tagKeys exactly these tag keys; none of them personal (site, programme, kiosk) except a
 *     per-subject schema's {@code subjectTag}
 * @param fields allowed field names
 * @param countField the field holding the number of distinct subjects (or faces) aggregated; {@code
 *     null} for a per-subject schema
 * @param subjectTag for a per-subject schema: the tag holding the subject's consent pseudonym. Such
 *     points are exempt from the k floor and pass only for subjects who opted in (checked by {@link
 *     EgressGate}); {@code null} for aggregates
 */
public record EgressSchema(
    String measurement,
    Set<String> tagKeys,
    Set<String> fields,
    String countField,
    String subjectTag) {

  public EgressSchema {
    tagKeys = Set.copyOf(tagKeys);
    fields = Set.copyOf(fields);
    if ((countField == null) == (subjectTag == null)) {
      throw new IllegalArgumentException(
          measurement + ": exactly one of countField and subjectTag must be set");
    }
    if (countField != null && !fields.contains(countField)) {
      throw new IllegalArgumentException(
          measurement + ": count field " + countField + " not among fields");
    }
    if (subjectTag != null && !tagKeys.contains(subjectTag)) {
      throw new IllegalArgumentException(
          measurement + ": subject tag " + subjectTag + " not among tag keys");
    }
  }

  /** An aggregate schema with a k floor on {@code countField}. */
  public EgressSchema(
      String measurement, Set<String> tagKeys, Set<String> fields, String countField) {
    this(measurement, tagKeys, fields, countField, null);
  }

  /** Whether points carry one subject's data (per-subject sync) rather than a k-aggregate. */
  public boolean perSubject() {
    return subjectTag != null;
  }

  /** Expression classes of the face model, in model order. */
  static final List<String> FACE_LABELS =
      List.of("angry", "disgust", "fear", "happy", "sad", "surprise", "neutral");

  /** Wearable HRV windows ({@code WindowAggregator}). */
  public static final EgressSchema HRV_WINDOW =
      new EgressSchema(
          "hrv_window",
          Set.of("site", "programme"),
          Set.of(
              "subjects",
              "hr_mean",
              "hr_p10",
              "hr_p50",
              "hr_p90",
              "rmssd_mean",
              "rmssd_p10",
              "rmssd_p50",
              "rmssd_p90",
              "artifact_share"),
          "subjects");

  /**
   * Wearable stress windows ({@code org.affectgate.agent.stress.StressAggregator}): per site and
   * programme, 180 s windows, counts and means of the {@code hrv-stress} model's P(stress).
   */
  public static final EgressSchema HRV_STRESS_WINDOW =
      new EgressSchema(
          "hrv_stress_window",
          Set.of("site", "programme"),
          Set.of("subjects", "stressed", "stress_share", "p_stress_mean"),
          "subjects");

  /**
   * One opted-in subject's own HRV window ({@link SubjectWindows}), under their consent pseudonym —
   * never a device id. Admitted only with {@code sync.perSubject.enabled} and only for subjects
   * with active {@code wellness-hr} and {@code wellness-hr-sync} consent.
   */
  public static final EgressSchema HRV_SUBJECT_WINDOW =
      new EgressSchema(
          "hrv_subject_window",
          Set.of("site", "programme", "subject"),
          Set.of(
              "hr_mean",
              "rmssd_ms",
              "sdnn_ms",
              "pnn50_pct",
              "mean_nn_ms",
              "clean_beats",
              "artifact_ratio"),
          null,
          "subject");

  /** Kiosk camera expression windows ({@code ExpressionWindows}), anonymous aggregate mode. */
  public static final EgressSchema FACE_EXPRESSION_WINDOW =
      new EgressSchema(
          "face_expression_window",
          Set.of("site", "kiosk"),
          withPerLabel(Set.of("faces", "frames"), "p_", "n_"),
          "faces");

  /**
   * Kiosk voice windows ({@code org.affectgate.agent.voice.VoiceWindowAggregator}): per site,
   * counted in distinct pseudonymous kiosk sessions.
   */
  public static final EgressSchema VOICE_WINDOW =
      new EgressSchema(
          "voice_window",
          Set.of("site"),
          Set.of(
              "sessions",
              "segments",
              "arousal_mean",
              "valence_mean",
              "confidence_mean",
              "p_anger_mean",
              "p_boredom_mean",
              "p_disgust_mean",
              "p_fear_mean",
              "p_happiness_mean",
              "p_sadness_mean",
              "p_neutral_mean"),
          "sessions");

  /**
   * Staff escalations per site and UTC day ({@code org.affectgate.agent.escalation}): how many were
   * raised, the share acknowledged and the median acknowledgement time in seconds, counted in
   * distinct visitor sessions (at least k). No kiosk, no session id, no escalation id.
   */
  public static final EgressSchema STAFF_ESCALATION_DAY =
      new EgressSchema(
          "staff_escalation_day",
          Set.of("site"),
          Set.of("sessions", "escalations", "acknowledged_share", "ack_median_s"),
          "sessions");

  private static Set<String> withPerLabel(Set<String> base, String... prefixes) {
    Set<String> out = new TreeSet<>(base);
    for (String prefix : prefixes) {
      for (String label : FACE_LABELS) {
        out.add(prefix + label);
      }
    }
    return out;
  }

  /**
   * Why {@code m} may not leave under this schema with threshold {@code k}, or empty when it may.
   */
  Optional<String> violation(Metric m, int k) {
    if (!m.tags().keySet().equals(tagKeys)) {
      return Optional.of(
          "tags " + m.tags().keySet() + " are not exactly " + new TreeSet<>(tagKeys));
    }
    for (String f : m.fields().keySet()) {
      if (!fields.contains(f)) {
        return Optional.of("field " + f + " is not allowed");
      }
    }
    if (perSubject()) {
      return m.tags().get(subjectTag).isEmpty()
          ? Optional.of("tags: " + subjectTag + " is empty")
          : Optional.empty();
    }
    Double count = m.fields().get(countField);
    if (count == null) {
      return Optional.of("count field " + countField + " is missing");
    }
    if (count < k) {
      return Optional.of(countField + "=" + count.longValue() + " is below k=" + k);
    }
    return Optional.empty();
  }

  /** The schemas by measurement. */
  static Map<String, EgressSchema> index(List<EgressSchema> schemas) {
    java.util.Map<String, EgressSchema> out = new java.util.HashMap<>();
    for (EgressSchema s : schemas) {
      if (out.put(s.measurement(), s) != null) {
        throw new IllegalArgumentException("two schemas for " + s.measurement());
      }
    }
    return Map.copyOf(out);
  }
}
