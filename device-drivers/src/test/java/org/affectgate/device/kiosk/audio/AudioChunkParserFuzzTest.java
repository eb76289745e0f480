package org.affectgate.device.kiosk.audio;

import static org.assertj.core.api.Assertions.assertThat;

import com.code_intelligence.jazzer.junit.FuzzTest;
import org.affectgate.device.ingest.ParseResult;

/**
 * Jazzer fuzz test of the kiosk audio parser: whatever the bytes, only a {@link ParseResult} comes
 * out, and an accepted chunk has a supported rate and finite samples in [-1, 1). {@code mvn test}
 * replays the seeds in {@code src/test/resources/.../AudioChunkParserFuzzTestInputs/}; to fuzz:
 * {@code JAZZER_FUZZ=1 mvn -pl device-drivers test -Djazzer.hooks=true
 * -Dtest=AudioChunkParserFuzzTest}.
 */
class AudioChunkParserFuzzTest {
  private final AudioChunkParser parser = new AudioChunkParser();

  @FuzzTest(maxDuration = "60s")
  void fuzzAudio(byte[] data) {
    ParseResult<AudioChunk> r = parser.parse("s", "k", data);
    assertThat(r).isNotNull();
    if (r instanceof ParseResult.Ok<AudioChunk> ok) {
      AudioChunk c = ok.value();
      assertThat(AudioFrameHeader.SUPPORTED_RATES).contains(c.sampleRateHz());
      assertThat(c.samples()).isNotEmpty();
      for (float s : c.samples()) {
        assertThat(s).isBetween(-1f, 1f);
      }
    }
  }
}
