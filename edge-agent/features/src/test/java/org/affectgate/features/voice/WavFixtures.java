package org.affectgate.features.voice;

import java.io.IOException;
import java.io.InputStream;
import java.net.URISyntaxException;
import java.net.URL;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import javax.sound.sampled.AudioFormat;
import javax.sound.sampled.AudioInputStream;
import javax.sound.sampled.AudioSystem;
import javax.sound.sampled.UnsupportedAudioFileException;

/**
 * The bundled WAV fixtures under {@code edge-agent/features/src/test/resources/voice/} (see its
 * README), for the features tests and, through this module's test-jar, the agent's voice stage
 * tests.
 */
public final class WavFixtures {
  /** Where the fixtures live in the repository, for callers that get this class from a jar. */
  private static final String SOURCE_DIR = "edge-agent/features/src/test/resources/voice";

  /** A decoded 16-bit mono WAV. */
  public record Wav(Path path, int rateHz, float[] samples, short[] pcm) {
    public String name() {
      return path.getFileName().toString();
    }

    public double seconds() {
      return samples.length / (double) rateHz;
    }
  }

  private WavFixtures() {}

  /**
   * The fixture folder as a real directory (Praat reads the files by path): this module's test
   * classes folder, or, when this class comes from the test-jar (another module's tests in a build
   * that packaged this one), the source folder under {@code affectgate.repoRoot}.
   */
  public static Path dir() {
    URL url = WavFixtures.class.getResource("/voice/");
    if (url != null && "file".equals(url.getProtocol())) {
      try {
        return Path.of(url.toURI());
      } catch (URISyntaxException e) {
        throw new IllegalStateException(e);
      }
    }
    Path dir = Path.of(System.getProperty("affectgate.repoRoot", ".")).resolve(SOURCE_DIR);
    if (!Files.isDirectory(dir)) {
      throw new IllegalStateException(
          "WAV fixtures not found at "
              + dir.toAbsolutePath()
              + " (set affectgate.repoRoot to the repository root)");
    }
    return dir;
  }

  /**
   * The frames the agent's analysis gives for {@code wav}: resampled to {@value
   * AnalysisFormat#RATE_HZ} Hz by {@link StreamResampler}, then {@link FrameAnalyzer}.
   */
  public static List<Frame> analyse(Wav wav) {
    return new FrameAnalyzer().push(new StreamResampler(wav.rateHz()).process(wav.samples()));
  }

  public static List<Path> all() throws IOException {
    try (Stream<Path> s = Files.list(dir())) {
      return s.filter(p -> p.toString().endsWith(".wav")).sorted().toList();
    }
  }

  public static Wav read(Path p) throws IOException {
    try (AudioInputStream in = AudioSystem.getAudioInputStream(p.toFile())) {
      AudioFormat f = in.getFormat();
      if (f.getChannels() != 1
          || f.getSampleSizeInBits() != 16
          || f.isBigEndian()
          || f.getEncoding() != AudioFormat.Encoding.PCM_SIGNED) {
        throw new IOException(p + ": fixtures must be 16-bit little-endian mono PCM, got " + f);
      }
      byte[] bytes = readAll(in);
      ByteBuffer b = ByteBuffer.wrap(bytes).order(ByteOrder.LITTLE_ENDIAN);
      short[] pcm = new short[bytes.length / 2];
      float[] samples = new float[pcm.length];
      for (int i = 0; i < pcm.length; i++) {
        pcm[i] = b.getShort();
        samples[i] = pcm[i] / 32768f;
      }
      return new Wav(p, (int) f.getSampleRate(), samples, pcm);
    } catch (UnsupportedAudioFileException e) {
      throw new IOException(p + ": " + e.getMessage(), e);
    }
  }

  private static byte[] readAll(InputStream in) throws IOException {
    return in.readAllBytes();
  }
}
