package org.affectgate.features.voice;

import java.io.IOException;
import java.io.InputStream;
import java.net.URISyntaxException;
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

/** The bundled WAV fixtures under {@code src/test/resources/voice/} (see its README). */
final class WavFixtures {
  /** A decoded 16-bit mono WAV. */
  record Wav(Path path, int rateHz, float[] samples, short[] pcm) {
    String name() {
      return path.getFileName().toString();
    }

    double seconds() {
      return samples.length / (double) rateHz;
    }
  }

  private WavFixtures() {}

  static Path dir() {
    try {
      return Path.of(WavFixtures.class.getResource("/voice/").toURI());
    } catch (URISyntaxException e) {
      throw new IllegalStateException(e);
    }
  }

  static List<Path> all() throws IOException {
    try (Stream<Path> s = Files.list(dir())) {
      return s.filter(p -> p.toString().endsWith(".wav")).sorted().toList();
    }
  }

  static Wav read(Path p) throws IOException {
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
