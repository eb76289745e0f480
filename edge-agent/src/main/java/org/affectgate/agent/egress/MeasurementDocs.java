package org.affectgate.agent.egress;

/**
 * The reader-facing description of each aggregate and per-subject {@link EgressSchema} entry (see
 * {@link GatewayHealthDoc} for {@code gateway_health}). Kept apart from the allow-list so an entry
 * there stays a few lines; references nothing of {@link EgressSchema} (class initialisation order).
 */
final class MeasurementDocs {
  private MeasurementDocs() {}

  private static final String SITE = "the gateway's site id (`site` in agent.yaml)";
  private static final String PROGRAMME =
      "the wellness programme the wearers are enrolled in (from the consent ledger)";
  private static final String K_SUPPRESSED =
      "A group (tags) with fewer than k distinct %s in a window writes no point at all: a gap"
          + " means too few people, never zero; it is counted on the gateway in %s. Never"
          + " interpolate across gaps or sum windows to recover small groups.";

  static final MeasurementDoc HRV_WINDOW =
      MeasurementDoc.builder(
              "Heart rate and heart-rate variability of the wearers of one programme at one site,"
                  + " over one window.")
          .source("`aggregate.WindowAggregator` (wearable path)")
          .cadence("one point per closed window and (site, programme): `hrv.windowSeconds`, 60 s")
          .window(
              "epoch-aligned, timestamp = window end (ms); covers the beats of that window only")
          .suppression(String.format(K_SUPPRESSED, "subjects", "`affectgate.aggregate.suppressed`"))
          .consent("`wellness-hr` (a wearer without active consent is not counted)")
          .tag("site", SITE)
          .tag("programme", PROGRAMME)
          .field("subjects", "count", ">= k", "distinct wearers in the window")
          .field("hr_mean", "bpm", "30..220", "mean heart rate over the group")
          .field("hr_p10", "bpm", "30..220", "10th percentile of the wearers' mean heart rates")
          .field("hr_p50", "bpm", "30..220", "median of the wearers' mean heart rates")
          .field("hr_p90", "bpm", "30..220", "90th percentile of the wearers' mean heart rates")
          .field("rmssd_mean", "ms", "0..300", "mean RMSSD over the group")
          .field("rmssd_p10", "ms", "0..300", "10th percentile of the wearers' RMSSD")
          .field("rmssd_p50", "ms", "0..300", "median of the wearers' RMSSD")
          .field("rmssd_p90", "ms", "0..300", "90th percentile of the wearers' RMSSD")
          .field(
              "artifact_share",
              "share",
              "0..1",
              "rejected beats / all beats of the group (signal quality; high = trust less)")
          .build();

  static final MeasurementDoc HRV_STRESS_WINDOW =
      MeasurementDoc.builder(
              "How many wearers of one programme the `hrv-stress` model rates as stressed, over"
                  + " one window.")
          .source("`stress.StressAggregator` (only with `hrv.stress.enabled`)")
          .cadence("one point per closed 180 s window and (site, programme)")
          .window("epoch-aligned 180 s, timestamp = window end (ms)")
          .suppression(String.format(K_SUPPRESSED, "subjects", "`affectgate.stress.suppressed`"))
          .consent(
              "`wellness-hr`; the path exists only in a deployment context that allows stress"
                  + " inference")
          .tag("site", SITE)
          .tag("programme", PROGRAMME)
          .field("subjects", "count", ">= k", "distinct wearers rated in the window")
          .field("stressed", "count", "0..subjects", "wearers with P(stress) above the threshold")
          .field("stress_share", "share", "0..1", "stressed / subjects")
          .field("p_stress_mean", "probability", "0..1", "mean P(stress) over the wearers")
          .build();

  static final MeasurementDoc HRV_SUBJECT_WINDOW =
      MeasurementDoc.builder(
              "One opted-in wearer's own HRV window, under their consent pseudonym (never a"
                  + " device id).")
          .source("`egress.SubjectWindows` (only with `sync.perSubject.enabled`)")
          .cadence("one point per closed window per opted-in wearer: `hrv.windowSeconds`, 60 s")
          .window("epoch-aligned, timestamp = window end (ms)")
          .suppression(
              "No k floor: per-subject by design. A wearer without active opt-in writes nothing;"
                  + " after a withdrawal their synced points are deleted from the store (see"
                  + " CONSENT.md), so history can shrink.")
          .consent("`wellness-hr` and `wellness-hr-sync` (opt-in), both active")
          .tag("site", SITE)
          .tag("programme", PROGRAMME)
          .tag("subject", "the wearer's consent pseudonym (random, per enrolment)")
          .field("hr_mean", "bpm", "30..220", "mean heart rate")
          .field("rmssd_ms", "ms", "0..300", "RMSSD")
          .field("sdnn_ms", "ms", "0..300", "SDNN")
          .field("pnn50_pct", "percent", "0..100", "pNN50")
          .field("mean_nn_ms", "ms", "270..2000", "mean NN interval")
          .field("clean_beats", "count", ">= 0", "beats kept after artifact rejection")
          .field("artifact_ratio", "share", "0..1", "rejected beats / all beats")
          .build();

  static final MeasurementDoc FACE_EXPRESSION_WINDOW =
      MeasurementDoc.builder(
              "The mix of facial expressions of the visitors one kiosk camera saw, over one"
                  + " window.")
          .source("`vision.ExpressionWindows` (only with `camera.enabled`)")
          .cadence(
              "one point per closed window and (site, kiosk): `camera.windowSeconds`, 60 s"
                  + " (10..3600)")
          .window("epoch-aligned, timestamp = window end (ms); face tracks of that window only")
          .suppression(
              String.format(
                  K_SUPPRESSED, "face tracks", "`affectgate.camera.windows{outcome=suppressed}`"))
          .consent(
              "`kiosk-face` of the kiosk's current visitor session (unless the operator set"
                  + " `camera.requireConsent: false`)")
          .tag("site", SITE)
          .tag("kiosk", "the kiosk id (a place, not a person)")
          .field("faces", "count", ">= k", "distinct face tracks in the window")
          .field("frames", "count", ">= 0", "frames analysed")
          .field(
              "p_*",
              "probability",
              "0..1",
              "mean over tracks of the smoothed probability of this expression")
          .field("n_*", "count", "0..faces", "tracks whose smoothed distribution peaks here")
          .build();

  static final MeasurementDoc VOICE_WINDOW =
      MeasurementDoc.builder(
              "The emotional tone of the voice segments spoken at one site's kiosks, over one"
                  + " window.")
          .source("`voice.VoiceWindowAggregator` (only with `voice.enabled`)")
          .cadence("one point per closed window and site: `voice.windowSeconds`, 60 s")
          .window("epoch-aligned by segment end, timestamp = window end (ms)")
          .suppression(
              String.format(
                  K_SUPPRESSED, "kiosk sessions", "`affectgate.voice.aggregate.suppressed`"))
          .consent("`kiosk-voice` of each counted kiosk session")
          .tag("site", SITE)
          .field("sessions", "count", ">= k", "distinct pseudonymous kiosk sessions")
          .field("segments", "count", ">= sessions", "voice segments analysed")
          .field("arousal_mean", "score", "-1..1", "mean arousal")
          .field("valence_mean", "score", "-1..1", "mean valence")
          .field("confidence_mean", "probability", "0..1", "mean model confidence")
          .field("p_*", "probability", "0..1", "mean probability of this emotion class")
          .build();

  /** For {@code staff_escalation_day} ({@link EgressSchema#STAFF_ESCALATION_DAY}). */
  static final MeasurementDoc STAFF_ESCALATION_DAY =
      MeasurementDoc.builder(
              "Staff escalations raised at one site over one UTC day, and how fast staff"
                  + " acknowledged them.")
          .source("`escalation` (staff escalation path)")
          .cadence("one point per site and UTC day, after the day closes")
          .window(
              "UTC day, timestamp = the day's start, 00:00 UTC (ms), although written after the"
                  + " day closes")
          .suppression(
              String.format(K_SUPPRESSED, "visitor sessions", "the escalation path's meters"))
          .consent("as for the kiosk sessions it counts: see CONSENT.md, staff escalation")
          .tag("site", SITE)
          .field("sessions", "count", ">= k", "distinct visitor sessions with an escalation")
          .field("escalations", "count", ">= 0", "escalations raised")
          .field("acknowledged_share", "share", "0..1", "escalations acknowledged by staff")
          .field("ack_median_s", "s", ">= 0", "median time to acknowledgement")
          .build();
}
