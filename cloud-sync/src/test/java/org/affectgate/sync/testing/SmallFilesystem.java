package org.affectgate.sync.testing;

import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.file.FileStore;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.extension.AfterEachCallback;
import org.junit.jupiter.api.extension.BeforeEachCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * A real small filesystem for disk-full tests: a {@code tmpfs} of a fixed size mounted on a fresh
 * temp directory (needs root, as the test machines run). A filler file takes up free space until
 * the kernel says {@code ENOSPC}; {@link #free()} deletes it, so space returns without a restart of
 * whatever uses the directory.
 *
 * <pre>{@code
 * @RegisterExtension final SmallFilesystem fs = new SmallFilesystem(2 * 1024 * 1024);
 * ... open a database under fs.dir() ...; fs.fill(); ...; fs.free(); ...
 * }</pre>
 *
 * <p>As a JUnit extension it mounts before each test and unmounts after it, whether the test passed
 * or not; {@link #close()} does the same for try-with-resources use. A JVM shutdown hook unmounts
 * whatever is still mounted if the run is cut short. The unmount is lazy ({@code umount -l}) when a
 * file is still open, so a leaked handle never leaves a mount behind. Not thread-safe.
 */
public final class SmallFilesystem implements BeforeEachCallback, AfterEachCallback, AutoCloseable {
  private static final List<Path> MOUNTED = new ArrayList<>();

  static {
    Runtime.getRuntime()
        .addShutdownHook(
            new Thread(
                () -> {
                  synchronized (MOUNTED) {
                    for (Path p : List.copyOf(MOUNTED)) {
                      umount(p);
                    }
                  }
                },
                "small-filesystem-cleanup"));
  }

  private final long sizeBytes;
  private Path dir;

  /**
   * @param sizeBytes the tmpfs size in bytes (rounded up by the kernel to whole pages)
   */
  public SmallFilesystem(long sizeBytes) {
    if (sizeBytes < 64 * 1024) {
      throw new IllegalArgumentException("sizeBytes must be >= 64 KiB (got " + sizeBytes + ")");
    }
    this.sizeBytes = sizeBytes;
  }

  /** Mounts the filesystem (if not yet mounted) and returns this. */
  public SmallFilesystem mount() {
    if (dir != null) {
      return this;
    }
    try {
      Path d = Files.createTempDirectory("affectgate-smallfs-");
      run("mount", "-t", "tmpfs", "-o", "size=" + sizeBytes + ",mode=0755", "tmpfs", d.toString());
      synchronized (MOUNTED) {
        MOUNTED.add(d);
      }
      dir = d;
      return this;
    } catch (IOException e) {
      throw new UncheckedIOException("cannot create a mount point", e);
    }
  }

  /** The mounted directory. */
  public Path dir() {
    if (dir == null) {
      throw new IllegalStateException("not mounted");
    }
    return dir;
  }

  /** Bytes a non-root writer could still use (as {@code df} shows). */
  public long usable() {
    try {
      FileStore store = Files.getFileStore(dir());
      return store.getUsableSpace();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /**
   * Fills the filesystem until the kernel refuses a single byte more (appending to the filler file
   * in shrinking chunks down to one byte).
   *
   * @return bytes the filler holds
   */
  public long fill() {
    Path filler = filler();
    long written = 0;
    try (OutputStream out =
        Files.newOutputStream(filler, StandardOpenOption.CREATE, StandardOpenOption.APPEND)) {
      for (int chunk = 64 * 1024; chunk >= 1; chunk /= 2) {
        byte[] buf = new byte[chunk];
        while (true) {
          try {
            out.write(buf);
            out.flush();
            written += chunk;
          } catch (IOException full) {
            break;
          }
        }
      }
    } catch (IOException e) {
      // the last partial write failed on close; what was written stays
    }
    return written;
  }

  /** Deletes the filler: the space it took is free again at once. */
  public void free() {
    try {
      Files.deleteIfExists(filler());
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private Path filler() {
    return dir().resolve("filler.bin");
  }

  @Override
  public void beforeEach(ExtensionContext context) {
    mount();
  }

  @Override
  public void afterEach(ExtensionContext context) {
    close();
  }

  /** Unmounts and removes the mount point. Idempotent. */
  @Override
  public void close() {
    if (dir == null) {
      return;
    }
    Path d = dir;
    dir = null;
    umount(d);
  }

  private static void umount(Path d) {
    try {
      if (run("umount", d.toString()) != 0) {
        run("umount", "-l", d.toString());
      }
      Files.deleteIfExists(d);
    } catch (IOException | RuntimeException e) {
      System.err.println("SmallFilesystem: cannot clean up " + d + ": " + e);
    } finally {
      synchronized (MOUNTED) {
        MOUNTED.remove(d);
      }
    }
  }

  private static int run(String... command) {
    try {
      Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
      String out = new String(p.getInputStream().readAllBytes());
      if (!p.waitFor(30, TimeUnit.SECONDS)) {
        p.destroyForcibly();
        throw new IllegalStateException(String.join(" ", command) + " timed out");
      }
      if (p.exitValue() != 0 && command[0].equals("mount")) {
        throw new IllegalStateException(
            String.join(" ", command) + " failed (" + p.exitValue() + "): " + out.strip());
      }
      return p.exitValue();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted running " + command[0], e);
    }
  }
}
