package org.affectgate.models.voice;

import java.io.BufferedInputStream;
import java.io.BufferedOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.affectgate.features.voice.EmotionClass;
import org.affectgate.features.voice.VoiceFeatureSpec;

/**
 * A file cache of {@link EmoDb#load} results, so that studies that train hundreds of models on the
 * same utterances extract each utterance's {@code voice-v2} vectors once. The cache file records
 * the feature spec id; a file of another spec is ignored and rewritten. Never used by {@code train}
 * or {@code eval}: those always extract afresh.
 */
final class VoiceFeatureCache {
  private static final int MAGIC = 0x56464331; // "VFC1"

  private VoiceFeatureCache() {}

  /** {@code dir}'s utterances from {@code cache} if it holds them, else extracted and written. */
  static List<EmoDb.Utterance> load(Path dir, Path cache) throws IOException {
    if (Files.isRegularFile(cache)) {
      List<EmoDb.Utterance> cached = read(cache);
      if (cached != null) {
        return cached;
      }
    }
    List<EmoDb.Utterance> data = EmoDb.load(dir);
    Files.createDirectories(cache.toAbsolutePath().getParent());
    write(data, cache);
    return data;
  }

  private static void write(List<EmoDb.Utterance> data, Path file) throws IOException {
    Path tmp = file.resolveSibling(file.getFileName() + ".tmp");
    try (DataOutputStream out =
        new DataOutputStream(new BufferedOutputStream(Files.newOutputStream(tmp)))) {
      out.writeInt(MAGIC);
      out.writeUTF(VoiceFeatureSpec.ID);
      out.writeInt(data.size());
      for (EmoDb.Utterance u : data) {
        out.writeUTF(u.file());
        out.writeUTF(u.speaker());
        out.writeInt(u.label().ordinal());
        out.writeInt(u.segments().size());
        for (float[] v : u.segments()) {
          out.writeInt(v.length);
          for (float f : v) {
            out.writeFloat(f);
          }
        }
      }
    }
    Files.move(tmp, file, java.nio.file.StandardCopyOption.REPLACE_EXISTING);
  }

  /** Null when the file is of another format or feature spec. */
  private static List<EmoDb.Utterance> read(Path file) throws IOException {
    try (DataInputStream in =
        new DataInputStream(new BufferedInputStream(Files.newInputStream(file)))) {
      if (in.readInt() != MAGIC || !VoiceFeatureSpec.ID.equals(in.readUTF())) {
        return null;
      }
      int count = in.readInt();
      List<EmoDb.Utterance> out = new ArrayList<>(count);
      for (int i = 0; i < count; i++) {
        String name = in.readUTF();
        String speaker = in.readUTF();
        EmotionClass label = EmotionClass.values()[in.readInt()];
        int segs = in.readInt();
        List<float[]> vectors = new ArrayList<>(segs);
        for (int s = 0; s < segs; s++) {
          float[] v = new float[in.readInt()];
          for (int j = 0; j < v.length; j++) {
            v[j] = in.readFloat();
          }
          vectors.add(v);
        }
        out.add(new EmoDb.Utterance(name, speaker, label, vectors));
      }
      return out;
    }
  }
}
