package org.affectgate.sync.storage;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.SplittableRandom;

/**
 * A pre-allocated file that holds space on a filesystem so that a small, important write (a consent
 * withdrawal) can still be made when everything else has filled the disk: {@link #release()}
 * deletes the file, which frees its blocks at once, and {@link #ensure()} writes it again once
 * there is room.
 *
 * <p>The file is written in full with pseudo-random bytes and fsynced, so its blocks are really
 * allocated (a sparse or zero-filled file may take no space on compressing or deduplicating
 * filesystems). It is created under a temporary name and renamed, so a crash never leaves a short
 * reserve in place; its mode is 0600. {@link #ensure()} only writes it when the filesystem would
 * keep at least as much free again afterwards (free space &ge; 2 &times; size), so recreating the
 * reserve never fills the disk by itself.
 *
 * <p>Several processes may share one reserve (the agent and a CLI command): deleting a file that
 * another process deleted first is a no-op, and whoever runs {@link #ensure()} next recreates it.
 * Blocking file I/O; thread-safe.
 */
public final class SpaceReserve {
  private static final int CHUNK = 64 * 1024;

  private final Path file;
  private final long bytes;

  /**
   * @param file the reserve file, on the filesystem it protects (e.g. beside the ledger)
   * @param bytes its size; 0 disables the reserve
   */
  public SpaceReserve(Path file, long bytes) {
    if (bytes < 0) {
      throw new IllegalArgumentException("reserve size must be >= 0 (got " + bytes + ")");
    }
    this.file = file.toAbsolutePath();
    this.bytes = bytes;
  }

  public Path file() {
    return file;
  }

  public long bytes() {
    return bytes;
  }

  /** Whether the reserve file is in place at its full size. */
  public boolean present() {
    try {
      return bytes > 0 && Files.size(file) >= bytes;
    } catch (IOException e) {
      return false;
    }
  }

  /**
   * Deletes the reserve file, freeing its space.
   *
   * @return whether a file was there to delete
   */
  public synchronized boolean release() {
    try {
      return Files.deleteIfExists(file);
    } catch (IOException e) {
      return false;
    }
  }

  /**
   * Writes the reserve file if it is missing or short and the filesystem has at least twice its
   * size free.
   *
   * @return whether the reserve is in place afterwards (always true when disabled)
   */
  public synchronized boolean ensure() {
    if (bytes == 0 || present()) {
      return true;
    }
    Path dir = file.getParent();
    Path tmp = file.resolveSibling(file.getFileName() + ".tmp");
    try {
      Files.createDirectories(dir);
      if (Files.getFileStore(dir).getUsableSpace() < 2 * bytes) {
        return false;
      }
      Files.deleteIfExists(tmp);
      try (FileChannel ch =
          FileChannel.open(
              tmp,
              java.util.Set.of(StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE),
              OwnerOnly.attribute())) {
        SplittableRandom random = new SplittableRandom(bytes);
        ByteBuffer buf = ByteBuffer.allocate(CHUNK);
        long left = bytes;
        while (left > 0) {
          buf.clear();
          int n = (int) Math.min(CHUNK, left);
          for (int i = 0; i < n; i += 8) {
            buf.putLong(random.nextLong());
          }
          buf.flip().limit(n);
          while (buf.hasRemaining()) {
            ch.write(buf);
          }
          left -= n;
        }
        ch.force(true);
      }
      Files.move(tmp, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
      return true;
    } catch (IOException | UnsupportedOperationException e) {
      try {
        Files.deleteIfExists(tmp);
      } catch (IOException ignored) {
        // the temp file is retried (and replaced) on the next ensure()
      }
      return false;
    }
  }
}
