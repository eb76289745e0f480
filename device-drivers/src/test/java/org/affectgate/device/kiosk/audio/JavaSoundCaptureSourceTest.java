package org.affectgate.device.kiosk.audio;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Instant;
import java.time.InstantSource;
import java.util.Optional;
import javax.sound.sampled.AudioFormat;
import org.junit.jupiter.api.Test;

/**
 * Construction and format negotiation only: build machines have no capture device, so opening a
 * real line is not exercised here.
 */
class JavaSoundCaptureSourceTest {

  @Test
  void negotiate_preferredSupported_takesIt() {
    Optional<AudioFormat> f = JavaSoundCaptureSource.negotiate(44_100, x -> true);
    assertThat(f).get().extracting(AudioFormat::getSampleRate).isEqualTo(44_100f);
    assertThat(f.get().getChannels()).isEqualTo(1);
    assertThat(f.get().getSampleSizeInBits()).isEqualTo(16);
    assertThat(f.get().isBigEndian()).isFalse();
    assertThat(f.get().getEncoding()).isEqualTo(AudioFormat.Encoding.PCM_SIGNED);
  }

  @Test
  void negotiate_onlyFortyEightSupported_fallsBackToIt() {
    Optional<AudioFormat> f =
        JavaSoundCaptureSource.negotiate(22_050, x -> x.getSampleRate() == 48_000f);
    assertThat(f).get().extracting(AudioFormat::getSampleRate).isEqualTo(48_000f);
  }

  @Test
  void negotiate_nothingSupported_empty() {
    assertThat(JavaSoundCaptureSource.negotiate(16_000, x -> false)).isEmpty();
  }

  @Test
  void candidates_noDuplicates() {
    assertThat(JavaSoundCaptureSource.candidates(16_000)).hasSize(4);
  }

  @Test
  void config_badRate_namesKey() {
    assertThatThrownBy(() -> new LocalCaptureConfig("s", "k", 8_000, 100, ""))
        .hasMessageContaining("voice.local.sampleRate");
    assertThatThrownBy(() -> new LocalCaptureConfig("s", "k", 16_000, 5, ""))
        .hasMessageContaining("voice.local.chunkMs");
    assertThatThrownBy(() -> new LocalCaptureConfig("s", "bad/id", 16_000, 100, ""))
        .hasMessageContaining("voice.local.kioskId");
  }

  @Test
  void construct_doesNotOpenAnything() {
    JavaSoundCaptureSource s =
        new JavaSoundCaptureSource(
            new LocalCaptureConfig("s", "k", 16_000, 100, ""),
            c -> {},
            InstantSource.fixed(Instant.EPOCH));
    assertThat(s.running()).isFalse();
    s.close();
  }
}
