package org.affectgate.agent.voice;

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
    assertThat(VoiceFeatureSpec.ID).isEqualTo("voice-v1");
    assertThat(new HashSet<>(VoiceFeatureSpec.names())).hasSize(VoiceFeatureSpec.size());
    assertThat(VoiceFeatureSpec.size()).isEqualTo(39);
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
