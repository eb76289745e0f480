package org.affectgate.features.voice;

import java.util.ArrayList;
import java.util.List;

/**
 * The one versioned voice feature vector, {@value #ID}: the ordered names and units below are what
 * {@link VoiceFeatures#summarise} produces and what the {@code voice-emotion} model is trained on
 * (the model foundry calls the same extractor and writes {@value #ID} into the manifest, which
 * {@code ModelRegistry} checks at load). Any change to an analysis constant in {@link
 * FrameAnalyzer}, to {@link VoiceFeatures} or to this list needs a new id.
 *
 * <p>{@code voice-v2} is {@code voice-v1} (the first 39 values, unchanged) followed by 32 more
 * functionals of the same frame descriptors, in the spirit of eGeMAPS: F0 percentiles and rise/fall
 * rates, level percentiles and change rate, delta-MFCC spread, spectral means over voiced frames
 * only, spectral spread, and voiced/unvoiced run statistics (rhythm).
 *
 * <p>Semitones are relative to 100 Hz ({@code 12·log2(f0/100)}); levels are dBFS of the
 * Hann-weighted frame RMS; MFCCs are TarsosDSP's (natural log mel energies, DCT). F0 statistics are
 * over voiced frames; everything else over all frames of the span.
 */
public final class VoiceFeatureSpec {
  public static final String ID = "voice-v2";

  /**
   * @param name feature name, stable API
   * @param unit unit of the value
   */
  public record Feature(String name, String unit) {}

  public static final List<Feature> FEATURES = build();

  private VoiceFeatureSpec() {}

  public static int size() {
    return FEATURES.size();
  }

  public static List<String> names() {
    return FEATURES.stream().map(Feature::name).toList();
  }

  private static List<Feature> build() {
    List<Feature> f = new ArrayList<>();
    f.add(new Feature("f0_mean_st", "semitones re 100 Hz"));
    f.add(new Feature("f0_sd_st", "semitones"));
    f.add(new Feature("f0_range_st", "semitones, 95th minus 5th percentile"));
    f.add(
        new Feature("f0_slope_st_per_s", "semitones per second, least-squares over voiced frames"));
    f.add(new Feature("voiced_fraction", "voiced frames / frames, 0..1"));
    f.add(new Feature("level_mean_db", "dBFS"));
    f.add(new Feature("level_sd_db", "dB"));
    for (int i = 1; i <= FrameAnalyzer.MFCC_COUNT; i++) {
      f.add(new Feature("mfcc" + i + "_mean", "cepstral coefficient"));
    }
    for (int i = 1; i <= FrameAnalyzer.MFCC_COUNT; i++) {
      f.add(new Feature("mfcc" + i + "_sd", "cepstral coefficient"));
    }
    f.add(new Feature("centroid_mean_hz", "Hz"));
    f.add(new Feature("centroid_sd_hz", "Hz"));
    f.add(new Feature("flux_mean", "L2 of positive normalised-spectrum change per frame"));
    f.add(new Feature("rolloff_mean_hz", "Hz, 85 % of spectral power below"));
    f.add(new Feature("zcr_mean", "zero crossings per sample"));
    f.add(new Feature("speaking_rate_hz", "syllable nuclei (level peaks in voiced frames) per s"));
    f.add(new Feature("f0_p20_st", "semitones re 100 Hz, 20th percentile of voiced frames"));
    f.add(new Feature("f0_p50_st", "semitones re 100 Hz, median of voiced frames"));
    f.add(new Feature("f0_p80_st", "semitones re 100 Hz, 80th percentile of voiced frames"));
    f.add(
        new Feature(
            "f0_rise_mean_st", "semitones per frame, mean rise between adjacent voiced frames"));
    f.add(
        new Feature(
            "f0_fall_mean_st", "semitones per frame, mean fall between adjacent voiced frames"));
    f.add(new Feature("level_iqr_db", "dB, 80th minus 20th percentile of frame levels"));
    f.add(new Feature("level_voiced_re_p95_db", "dB, mean voiced level minus 95th percentile"));
    f.add(new Feature("level_p50_re_p95_db", "dB, median level minus 95th percentile"));
    f.add(new Feature("level_delta_mean_db", "dB, mean absolute level change per frame"));
    for (int i = 1; i <= FrameAnalyzer.MFCC_COUNT; i++) {
      f.add(new Feature("mfcc" + i + "_delta_sd", "cepstral coefficient change per frame, SD"));
    }
    f.add(new Feature("centroid_voiced_mean_hz", "Hz, over voiced frames"));
    f.add(new Feature("rolloff_voiced_mean_hz", "Hz, over voiced frames"));
    f.add(new Feature("flux_voiced_mean", "as flux_mean, over voiced frames"));
    f.add(new Feature("zcr_voiced_mean", "zero crossings per sample, over voiced frames"));
    f.add(new Feature("rolloff_sd_hz", "Hz"));
    f.add(new Feature("flux_sd", "as flux_mean"));
    f.add(new Feature("zcr_sd", "zero crossings per sample"));
    f.add(new Feature("voiced_runs_per_s", "runs of consecutive voiced frames per second"));
    f.add(new Feature("voiced_run_mean_s", "s, mean length of a voiced run"));
    f.add(new Feature("unvoiced_run_mean_s", "s, mean length of an unvoiced run (0 if none)"));
    return List.copyOf(f);
  }
}
