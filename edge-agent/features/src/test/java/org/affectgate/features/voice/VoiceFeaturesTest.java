package org.affectgate.features.voice;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.data.Offset.offset;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class VoiceFeaturesTest {

  private static List<Frame> analyse(float[] samples16k) {
    FrameAnalyzer a = new FrameAnalyzer();
    return new ArrayList<>(a.push(samples16k));
  }

  private static float[] tone(double hz, double seconds, double amplitude) {
    float[] x = new float[(int) (seconds * 16_000)];
    for (int i = 0; i < x.length; i++) {
      x[i] = (float) (amplitude * Math.sin(2 * Math.PI * hz * i / 16_000));
    }
    return x;
  }

  @Test
  void spec_hasUniqueNamesAndMatchesVectorLength() {
    assertThat(VoiceFeatureSpec.ID).isEqualTo("voice-v2");
    assertThat(new HashSet<>(VoiceFeatureSpec.names())).hasSize(VoiceFeatureSpec.size());
    assertThat(VoiceFeatureSpec.size()).isEqualTo(71);
  }

  @Test
  void v2_keepsTheV1VectorAsItsPrefix() {
    List<String> names = VoiceFeatureSpec.names();
    assertThat(names.subList(0, 7))
        .containsExactly(
            "f0_mean_st",
            "f0_sd_st",
            "f0_range_st",
            "f0_slope_st_per_s",
            "voiced_fraction",
            "level_mean_db",
            "level_sd_db");
    assertThat(names.get(7)).isEqualTo("mfcc1_mean");
    assertThat(names.get(20)).isEqualTo("mfcc1_sd");
    assertThat(names.get(38)).isEqualTo("speaking_rate_hz");
    assertThat(names.get(39)).isEqualTo("f0_p20_st");
  }

  @Test
  void steadyTone_percentilesAtTheMean_noRiseOrFall_oneVoicedRun() {
    float[] v = VoiceFeatures.summarise(analyse(tone(210, 1.0, 0.3))).orElseThrow();
    List<String> names = VoiceFeatureSpec.names();
    float mean = v[names.indexOf("f0_mean_st")];
    for (String p : List.of("f0_p20_st", "f0_p50_st", "f0_p80_st")) {
      assertThat(v[names.indexOf(p)]).as(p).isCloseTo(mean, offset(0.1f));
    }
    assertThat(v[names.indexOf("f0_rise_mean_st")]).isLessThan(0.05f);
    assertThat(v[names.indexOf("f0_fall_mean_st")]).isLessThan(0.05f);
    assertThat(v[names.indexOf("level_iqr_db")]).isLessThan(1f);
    assertThat(v[names.indexOf("centroid_voiced_mean_hz")]).isBetween(150f, 400f);
  }

  @Test
  void timbreSwitchingEvery50ms_hasLargerDeltaMfccSpreadThanASteadyTone() {
    float[] x = new float[16_000];
    for (int i = 0; i < x.length; i++) {
      double p = 2 * Math.PI * 210 * i / 16_000;
      boolean bright = (i / 800) % 2 == 1;
      x[i] = (float) (0.3 * Math.sin(p) + (bright ? 0.2 * Math.sin(7 * p) : 0));
    }
    List<String> names = VoiceFeatureSpec.names();
    int delta = names.indexOf("mfcc2_delta_sd");
    float switching = VoiceFeatures.summarise(analyse(x)).orElseThrow()[delta];
    float steady = VoiceFeatures.summarise(analyse(tone(210, 1.0, 0.3))).orElseThrow()[delta];
    assertThat(switching).isGreaterThan(2 * steady);
  }

  @Test
  void glide_risesAndDoesNotFall() {
    float[] x = new float[16_000];
    double phase = 0;
    for (int i = 0; i < x.length; i++) {
      double hz = 150 + 150.0 * i / x.length;
      phase += 2 * Math.PI * hz / 16_000;
      x[i] = (float) (0.3 * Math.sin(phase));
    }
    float[] v = VoiceFeatures.summarise(analyse(x)).orElseThrow();
    List<String> names = VoiceFeatureSpec.names();
    // +12 semitones over ~100 frames: about 0.12 st per frame
    assertThat(v[names.indexOf("f0_rise_mean_st")]).isCloseTo(0.12f, offset(0.05f));
    assertThat(v[names.indexOf("f0_p80_st")]).isGreaterThan(v[names.indexOf("f0_p20_st")] + 5);
  }

  @Test
  void twoTonesWithASilentGap_twoVoicedRunsAndAnUnvoicedRun() {
    float[] a = tone(210, 0.5, 0.3);
    float[] x = new float[a.length * 2 + 4_800];
    System.arraycopy(a, 0, x, 0, a.length);
    System.arraycopy(a, 0, x, a.length + 4_800, a.length);
    float[] v = VoiceFeatures.summarise(analyse(x)).orElseThrow();
    List<String> names = VoiceFeatureSpec.names();
    double seconds = v.length > 0 ? analyse(x).size() * AnalysisFormat.HOP_SECONDS : 0;
    assertThat(v[names.indexOf("voiced_runs_per_s")] * seconds).isCloseTo(2.0, offset(0.01));
    assertThat(v[names.indexOf("unvoiced_run_mean_s")]).isBetween(0.2f, 0.4f);
    assertThat(v[names.indexOf("voiced_run_mean_s")]).isBetween(0.4f, 0.55f);
  }

  @Test
  void steady210HzTone_f0SemitonesFlat() {
    // 210 Hz: not an integer period at 16 kHz (an exactly periodic digital tone makes YIN's
    // interpolation degenerate, which real voices never are)
    float[] v = VoiceFeatures.summarise(analyse(tone(210, 1.0, 0.3))).orElseThrow();
    List<String> names = VoiceFeatureSpec.names();
    assertThat(v).hasSize(VoiceFeatureSpec.size());
    assertThat(v[names.indexOf("f0_mean_st")])
        .isCloseTo((float) (12 * Math.log(2.1) / Math.log(2)), offset(0.1f));
    assertThat(v[names.indexOf("f0_sd_st")]).isLessThan(0.1f);
    assertThat(v[names.indexOf("f0_slope_st_per_s")]).isCloseTo(0f, offset(0.2f));
    assertThat(v[names.indexOf("level_mean_db")]).isCloseTo(-13.5f, offset(1.5f));
    assertThat(v[names.indexOf("centroid_mean_hz")]).isBetween(150f, 400f);
  }

  @Test
  void glide_slopeHasTheGlidesSign() {
    float[] x = new float[16_000];
    double phase = 0;
    for (int i = 0; i < x.length; i++) {
      double hz = 150 + 150.0 * i / x.length;
      phase += 2 * Math.PI * hz / 16_000;
      x[i] = (float) (0.3 * Math.sin(phase));
    }
    float[] v = VoiceFeatures.summarise(analyse(x)).orElseThrow();
    int slope = VoiceFeatureSpec.names().indexOf("f0_slope_st_per_s");
    // 150 → 300 Hz over 1 s is +12 semitones per second
    assertThat(v[slope]).isCloseTo(12f, offset(1.5f));
  }

  @Test
  void silenceOrNoise_noVector() {
    assertThat(VoiceFeatures.summarise(analyse(new float[32_000]))).isEmpty();
    java.util.Random r = new java.util.Random(7);
    float[] noise = new float[32_000];
    for (int i = 0; i < noise.length; i++) {
      noise[i] = (float) (0.05 * r.nextGaussian());
    }
    Optional<float[]> v = VoiceFeatures.summarise(analyse(noise));
    assertThat(v).isEmpty();
  }

  @Test
  void everyFixture_givesFiniteVector() throws Exception {
    for (java.nio.file.Path p : WavFixtures.all()) {
      WavFixtures.Wav w = WavFixtures.read(p);
      float[] v = VoiceFeatures.summarise(PraatAgreementTest.analyse(w)).orElseThrow();
      for (int i = 0; i < v.length; i++) {
        assertThat(Float.isFinite(v[i]))
            .as(w.name() + " " + VoiceFeatureSpec.names().get(i))
            .isTrue();
      }
      int rate = VoiceFeatureSpec.names().indexOf("speaking_rate_hz");
      assertThat(v[rate]).as(w.name() + " speaking rate").isBetween(0.5f, 9f);
    }
  }
}
