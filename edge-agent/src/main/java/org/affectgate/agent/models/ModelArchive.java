package org.affectgate.agent.models;

import java.io.IOException;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.affectgate.models.ModelEntry;
import org.affectgate.models.ModelLoadException;
import org.affectgate.models.ModelManifest;
import org.affectgate.models.ModelRegistry;

/**
 * The kept copies of the model sets the agent ran, for {@code affectgate models rollback}: under
 * {@code <dataDir>/models/}, {@code current/} holds the manifest and files of the set running now
 * and {@code previous/} the set that ran before it, each laid out like the model directory ({@code
 * manifest.json} plus the files at their manifest paths). The copies live in the data directory
 * because the agent's model directory is read-only under the hardened systemd unit; the agent only
 * ever writes here, and only the rollback command (run by an administrator) writes the model
 * directory.
 *
 * <p>{@link #keep} is called at start-up and after every applied reload: when the live manifest
 * differs from {@code current/}, {@code current/} becomes {@code previous/} and the live set is
 * copied to a new {@code current/} (each file checked against the manifest's size and SHA-256 as it
 * is copied; a directory is only ever replaced whole, by rename). {@link #restorePrevious} copies
 * {@code previous/} back into the model directory, files first and the manifest last (each by
 * write-then-rename), so an agent polling the manifest sees the old set only once it is complete;
 * its hot reload then keeps the rolled-back-from set as the new {@code previous/}, so running the
 * command twice returns to where one started.
 *
 * <p>Blocking file I/O: the reload thread or the command line, never an event loop. Not thread-safe
 * (one reload thread, one command).
 */
public final class ModelArchive {
  static final String MANIFEST = "manifest.json";

  private final Path root;

  /**
   * @param root the archive directory, {@code <dataDir>/models}
   */
  public ModelArchive(Path root) {
    this.root = root;
  }

  /** {@code <dataDir>/models}. */
  public static ModelArchive inDataDir(Path dataDir) {
    return new ModelArchive(dataDir.resolve("models"));
  }

  Path current() {
    return root.resolve("current");
  }

  Path previous() {
    return root.resolve("previous");
  }

  /**
   * Makes {@code current/} a copy of the live set named by {@code manifest}, moving the old {@code
   * current/} to {@code previous/} first; nothing when {@code current/} already holds this
   * manifest.
   *
   * <p>An entry whose live file is missing or does not match the manifest (a model the agent does
   * not use may be absent) is left out of the copy and named in the result.
   *
   * @return empty when {@code current/} already held this manifest, else the names of the entries
   *     left out (often none)
   * @throws IOException when the manifest or a file cannot be read or written
   */
  public Optional<List<String>> keep(Path manifest) throws IOException {
    byte[] live = Files.readAllBytes(manifest);
    Path currentManifest = current().resolve(MANIFEST);
    if (Files.isRegularFile(currentManifest)
        && ModelRegistry.sha256(Files.readAllBytes(currentManifest))
            .equals(ModelRegistry.sha256(live))) {
      return Optional.empty();
    }
    ModelManifest parsed = parse(live, manifest);
    Files.createDirectories(root);
    Path staging = root.resolve("current.tmp");
    deleteTree(staging);
    List<String> left = copySet(parsed, live, dirOf(manifest), staging);
    if (Files.isDirectory(current())) {
      deleteTree(previous());
      Files.move(current(), previous(), StandardCopyOption.ATOMIC_MOVE);
    }
    Files.move(staging, current(), StandardCopyOption.ATOMIC_MOVE);
    return Optional.of(left);
  }

  /** Whether a previous set is kept. */
  public boolean hasPrevious() {
    return Files.isRegularFile(previous().resolve(MANIFEST));
  }

  /**
   * Copies the kept previous set into the directory of {@code manifest}: every file checked against
   * the kept manifest, files first, the manifest last.
   *
   * @return the restored manifest and the entries that were not kept (left out by {@link #keep};
   *     their files in the model directory are left as they are)
   * @throws IOException naming what is wrong when there is no previous set, a kept file is altered,
   *     or the model directory cannot be written; the live manifest is then untouched
   */
  public Restored restorePrevious(Path manifest) throws IOException {
    Path keptManifest = previous().resolve(MANIFEST);
    if (!Files.isRegularFile(keptManifest)) {
      throw new IOException("no previous model set is kept in " + previous());
    }
    byte[] bytes = Files.readAllBytes(keptManifest);
    ModelManifest parsed = parse(bytes, keptManifest);
    Path target = dirOf(manifest);
    List<ModelEntry> kept = new ArrayList<>();
    List<byte[]> verified = new ArrayList<>();
    List<String> notKept = new ArrayList<>();
    for (ModelEntry e : parsed.models()) {
      Path file = previous().resolve(e.file());
      if (!Files.exists(file)) {
        notKept.add(e.name());
        continue;
      }
      kept.add(e);
      verified.add(verifiedBytes(file, e));
    }
    for (int i = 0; i < kept.size(); i++) {
      writeAtomically(target.resolve(kept.get(i).file()), verified.get(i));
    }
    writeAtomically(manifest, bytes);
    return new Restored(parsed, notKept);
  }

  /**
   * What {@link #restorePrevious} put back.
   *
   * @param manifest the restored manifest
   * @param notKept names of entries whose files were not in the kept set
   */
  public record Restored(ModelManifest manifest, List<String> notKept) {}

  private static List<String> copySet(
      ModelManifest parsed, byte[] manifestBytes, Path from, Path to) throws IOException {
    Files.createDirectories(to);
    List<String> left = new ArrayList<>();
    for (ModelEntry e : parsed.models()) {
      byte[] b = matchingBytes(from.resolve(e.file()), e);
      if (b == null) {
        left.add(e.name());
        continue;
      }
      Path dest = to.resolve(e.file());
      Files.createDirectories(dest.getParent());
      Files.write(dest, b);
    }
    Files.write(to.resolve(MANIFEST), manifestBytes);
    return left;
  }

  /** The file's bytes when it matches {@code e}, else null. */
  private static byte[] matchingBytes(Path file, ModelEntry e) throws IOException {
    if (!Files.isRegularFile(file)) {
      return null;
    }
    byte[] b = Files.readAllBytes(file);
    return b.length == e.bytes() && ModelRegistry.sha256(b).equals(e.sha256()) ? b : null;
  }

  private static byte[] verifiedBytes(Path file, ModelEntry e) throws IOException {
    if (!Files.isRegularFile(file)) {
      throw new IOException(e.name() + ": " + file + " is missing");
    }
    byte[] b = Files.readAllBytes(file);
    if (b.length != e.bytes() || !ModelRegistry.sha256(b).equals(e.sha256())) {
      throw new IOException(
          e.name() + ": " + file + " does not match its manifest entry (size or sha256)");
    }
    return b;
  }

  private static void writeAtomically(Path dest, byte[] bytes) throws IOException {
    Files.createDirectories(dest.toAbsolutePath().getParent());
    Path tmp = dest.resolveSibling("." + dest.getFileName() + ".rollback.tmp");
    Files.write(tmp, bytes);
    try {
      Files.move(tmp, dest, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
    } catch (AtomicMoveNotSupportedException e) {
      Files.move(tmp, dest, StandardCopyOption.REPLACE_EXISTING);
    }
  }

  private static ModelManifest parse(byte[] bytes, Path where) throws IOException {
    try {
      return ModelManifest.parse(new String(bytes, java.nio.charset.StandardCharsets.UTF_8));
    } catch (ModelLoadException e) {
      throw new IOException(where + ": " + e.getMessage(), e);
    }
  }

  private static Path dirOf(Path manifest) {
    return Optional.ofNullable(manifest.toAbsolutePath().getParent())
        .orElse(Path.of("").toAbsolutePath());
  }

  private static void deleteTree(Path dir) throws IOException {
    if (!Files.exists(dir)) {
      return;
    }
    if (Files.isDirectory(dir)) {
      try (DirectoryStream<Path> s = Files.newDirectoryStream(dir)) {
        for (Path p : s) {
          deleteTree(p);
        }
      }
    }
    Files.delete(dir);
  }
}
