package org.affectgate.models.voice;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import javax.sound.sampled.AudioFormat;
import javax.sound.sampled.AudioInputStream;
import javax.sound.sampled.AudioSystem;
import javax.sound.sampled.UnsupportedAudioFileException;
import org.affectgate.features.voice.EmotionClass;
import org.affectgate.features.voice.Frame;
import org.affectgate.features.voice.FrameAnalyzer;
import org.affectgate.features.voice.SegmenterConfig;
import org.affectgate.features.voice.StreamResampler;
import org.affectgate.features.voice.UtteranceSegmenter;
import org.affectgate.features.voice.VoiceFeatures;
import org.affectgate.models.eval.DataFolderException;

/**
 * EmoDB utterances turned into {@code voice-v2} vectors by the agent's own code path: 16 kHz
 * resampling, {@link FrameAnalyzer}, {@link UtteranceSegmenter} with the agent's default settings
 * and {@link VoiceFeatures} per segment, exactly as the agent does for kiosk audio. Label and
 * speaker come from the file name ({@code SSTTTEV.wav}: speaker, text, emotion letter, version).
 */
public final class EmoDb {
  /**
   * @param file file name
   * @param speaker two-digit speaker id
   * @param label emotion class
   * @param segments one voice-v2 vector per utterance segment the agent would analyse (may be empty
   *     if the agent would find no speech)
   */
  public record Utterance(
      String file, String speaker, EmotionClass label, List<float[]> segments) {}

  private EmoDb() {}

  /**
   * Reads and analyses every {@code *.wav} in {@code dir} (sorted by name).
   *
   * @throws DataFolderException (one line) if {@code dir} is missing or holds no {@code .wav}, a
   *     file name does not carry an EmoDB emotion letter as its 6th character, or a file is not
   *     16-bit mono PCM WAV
   */
  public static List<Utterance> load(Path dir) throws IOException {
    if (!Files.isDirectory(dir)) {
      throw new DataFolderException(dir + ": no such folder");
    }
    List<Path> files;
    try (Stream<Path> s = Files.list(dir)) {
      files = s.filter(p -> p.toString().endsWith(".wav")).sorted().toList();
    }
    if (files.isEmpty()) {
      throw new DataFolderException(
          "no .wav files in " + dir + " (expected EmoDB-style names such as 03a01Fa.wav)");
    }
    List<Utterance> out = new ArrayList<>();
    for (Path p : files) {
      String name = p.getFileName().toString();
      EmotionClass label = labelOf(p);
      List<float[]> segments;
      try {
        segments = segments(p);
      } catch (IOException e) {
        String why = oneLine(e.getMessage());
        throw new DataFolderException(why.startsWith(p.toString()) ? why : p + ": " + why, e);
      }
      out.add(new Utterance(name, name.substring(0, 2), label, segments));
    }
    return out;
  }

  /**
   * The emotion of an EmoDB-style file name: speaker in characters 1-2, emotion letter in character
   * 6 ({@code W L E A F T N}).
   *
   * @throws DataFolderException naming the file if it does not follow that layout
   */
  static EmotionClass labelOf(Path wav) throws DataFolderException {
    String name = wav.getFileName().toString();
    String stem = name.substring(0, name.length() - ".wav".length());
    StringBuilder letters = new StringBuilder();
    for (EmotionClass c : EmotionClass.values()) {
      letters.append(letters.length() == 0 ? "" : " ").append(c.emodbLetter());
    }
    if (stem.length() < 6 || stem.substring(0, 2).isBlank()) {
      throw new DataFolderException(
          wav
              + ": not an EmoDB-style name (speaker in characters 1-2, emotion letter "
              + letters
              + " in character 6, e.g. 03a01Fa.wav)");
    }
    try {
      return label(stem.charAt(5));
    } catch (IllegalArgumentException e) {
      throw new DataFolderException(
          wav
              + ": character 6 is '"
              + stem.charAt(5)
              + "', not an EmoDB emotion letter ("
              + letters
              + ")");
    }
  }

  private static String oneLine(String message) {
    return message == null ? "unreadable" : message.replaceAll("\\s*\\R\\s*", " ");
  }

  static EmotionClass label(char letter) {
    for (EmotionClass c : EmotionClass.values()) {
      if (c.emodbLetter() == letter) {
        return c;
      }
    }
    throw new IllegalArgumentException("not an EmoDB emotion letter: " + letter);
  }

  /** The agent's segments of one WAV, as voice-v2 vectors. */
  public static List<float[]> segments(Path wav) throws IOException {
    float[] samples;
    int rate;
    try (AudioInputStream in = AudioSystem.getAudioInputStream(wav.toFile())) {
      AudioFormat f = in.getFormat();
      if (f.getChannels() != 1 || f.getSampleSizeInBits() != 16 || f.isBigEndian()) {
        throw new IOException(wav + ": expected 16-bit little-endian mono, got " + f);
      }
      rate = (int) f.getSampleRate();
      byte[] bytes = in.readAllBytes();
      ByteBuffer b = ByteBuffer.wrap(bytes).order(ByteOrder.LITTLE_ENDIAN);
      samples = new float[bytes.length / 2];
      for (int i = 0; i < samples.length; i++) {
        samples[i] = b.getShort() / 32768f;
      }
    } catch (UnsupportedAudioFileException e) {
      throw new IOException(wav + ": " + e.getMessage(), e);
    }
    FrameAnalyzer analyzer = new FrameAnalyzer();
    UtteranceSegmenter segmenter = new UtteranceSegmenter(SegmenterConfig.DEFAULTS);
    List<List<Frame>> closed = new ArrayList<>();
    for (Frame fr : analyzer.push(new StreamResampler(rate).process(samples))) {
      closed.addAll(segmenter.push(fr));
    }
    closed.addAll(segmenter.flush());
    List<float[]> vectors = new ArrayList<>();
    for (List<Frame> seg : closed) {
      VoiceFeatures.summarise(seg).ifPresent(vectors::add);
    }
    return vectors;
  }
}
