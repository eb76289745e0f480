package org.affectgate.agent.models;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.affectgate.agent.voice.TinyVoiceModel;
import org.affectgate.features.voice.VoiceFeatureSpec;
import org.affectgate.models.ModelEntry;
import org.affectgate.models.ModelManifest;
import org.affectgate.models.ModelRegistry;

/**
 * Model directories for model-management tests: the shipped models (copied from the repository's
 * {@code models/}) and a second, different but real {@code voice-emotion}-shaped model ({@link
 * TinyVoiceModel}) to swap to or shadow with.
 */
public final class ModelDirs {
  private ModelDirs() {}

  /** The repository's {@code models/manifest.json}. */
  public static Path shippedManifest() {
    return Path.of(System.getProperty("affectgate.repoRoot"), "models", "manifest.json");
  }

  /**
   * Copies the named shipped entries and their files into {@code dir} and writes a manifest listing
   * them.
   *
   * @return the manifest path
   */
  public static Path copyShipped(Path dir, String... names) throws Exception {
    Path shipped = shippedManifest();
    ModelManifest m = ModelManifest.read(shipped);
    List<ModelEntry> entries = new ArrayList<>();
    for (String n : names) {
      ModelEntry e = m.find(n).orElseThrow();
      Path to = dir.resolve(e.file());
      Files.createDirectories(to.getParent());
      Files.copy(shipped.getParent().resolve(e.file()), to);
      entries.add(e);
    }
    return write(dir.resolve("manifest.json"), entries);
  }

  /** Writes {@code entries} as the manifest at {@code manifest}; returns it. */
  public static Path write(Path manifest, List<ModelEntry> entries) throws IOException {
    Path tmp = manifest.resolveSibling(".manifest.tmp");
    Files.writeString(tmp, new ModelManifest(ModelManifest.FORMAT_VERSION, entries).toJson());
    Files.move(
        tmp,
        manifest,
        java.nio.file.StandardCopyOption.REPLACE_EXISTING,
        java.nio.file.StandardCopyOption.ATOMIC_MOVE);
    return manifest;
  }

  /** The entries of the manifest at {@code manifest}. */
  public static List<ModelEntry> entries(Path manifest) throws Exception {
    return new ArrayList<>(ModelManifest.read(manifest).models());
  }

  /**
   * Writes the tiny voice model's bytes at {@code dir/file} and returns an entry for it called
   * {@code name}, shaped like {@code like} (the shipped voice-emotion entry), without calibration.
   */
  public static ModelEntry tinyVoice(
      Path dir, ModelEntry like, String name, String version, String file, String shadowOf)
      throws IOException {
    Path scratch = Files.createTempDirectory(dir, ".tiny");
    TinyVoiceModel.write(scratch, VoiceFeatureSpec.ID);
    byte[] bytes = Files.readAllBytes(scratch.resolve("voice-emotion.onnx"));
    Path to = dir.resolve(file);
    Files.createDirectories(to.getParent());
    Files.write(to, bytes);
    return new ModelEntry(
        name,
        version,
        file,
        bytes.length,
        ModelRegistry.sha256(bytes),
        like.inputs(),
        like.outputs(),
        like.preprocessing(),
        like.labels(),
        like.featureSpec(),
        null,
        shadowOf);
  }

  /** {@code entries} with the entry called {@code name} replaced by {@code replacement}. */
  public static List<ModelEntry> replace(
      List<ModelEntry> entries, String name, ModelEntry replacement) {
    List<ModelEntry> out = new ArrayList<>();
    for (ModelEntry e : entries) {
      out.add(e.name().equals(name) ? replacement : e);
    }
    return out;
  }

  /** A deterministic voice-v2-length feature vector. */
  public static float[] features(long seed) {
    java.util.Random r = new java.util.Random(seed);
    float[] f = new float[VoiceFeatureSpec.size()];
    for (int i = 0; i < f.length; i++) {
      f[i] = (float) r.nextGaussian();
    }
    return f;
  }
}
