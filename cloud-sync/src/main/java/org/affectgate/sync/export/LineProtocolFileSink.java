package org.affectgate.sync.export;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Instant;
import java.time.InstantSource;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import org.affectgate.sync.sink.DeleteOutcome;
import org.affectgate.sync.sink.PointSink;
import org.affectgate.sync.sink.SeriesSelector;
import org.affectgate.sync.sink.WriteOutcome;
import org.affectgate.sync.storage.OwnerOnly;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@link PointSink} that appends line protocol to rotated files, for sites without a reachable
 * time-series database. Files are importable with {@code influx write --precision ms --file F} (or
 * {@code curl --data-binary @F 'http://vm:8428/api/v2/write?precision=ms'}).
 *
 * <p>A batch is appended and fsynced before {@link WriteOutcome.Accepted} is returned; a failed
 * write is truncated away so a retry cannot duplicate lines. On open, the newest file's torn tail
 * (bytes after the last newline, left by a crash mid-write and never acknowledged) is cut off and
 * appending continues there while it has room. Export files are mode 0600 (existing ones are
 * narrowed on open).
 *
 * <p>Rotation: a new file is started when the next batch would take the current one past {@link
 * ExportConfig#maxFileBytes()} (a single larger batch still goes into one file). Retention: after
 * each rotation the <em>oldest</em> files beyond {@link ExportConfig#maxFiles()} are deleted and
 * counted in {@code affectgate.export.files.dropped} and {@code affectgate.export.bytes.dropped}:
 * whoever collects exports is expected to take the recent ones.
 *
 * <p>Deletion: files already written may have been collected; this sink cannot recall them, so
 * {@link #delete} answers {@link org.affectgate.sync.sink.DeleteOutcome.Unsupported} (counted by
 * the sync loop as {@code affectgate.deletions.executed{result=unsupported}}); whoever collects the
 * files must apply the deletion (see {@code edge-agent/CONSENT.md}).
 *
 * <p>Threads: one writer at a time (the sync loop); blocking.
 */
public final class LineProtocolFileSink implements PointSink {
  private static final Logger LOG = LoggerFactory.getLogger(LineProtocolFileSink.class);

  private final ExportConfig config;
  private final InstantSource clock;
  private final Counter filesDropped;
  private final Counter bytesDropped;
  private Path current;
  private FileChannel channel;

  private LineProtocolFileSink(ExportConfig config, InstantSource clock, MeterRegistry registry) {
    this.config = config;
    this.clock = clock;
    this.filesDropped = registry.counter("affectgate.export.files.dropped");
    this.bytesDropped = registry.counter("affectgate.export.bytes.dropped");
  }

  /**
   * Creates the directory if needed and repairs the newest file's tail. Blocking.
   *
   * @throws IOException naming the directory when it cannot be created or read
   */
  public static LineProtocolFileSink open(
      ExportConfig config, InstantSource clock, MeterRegistry registry) throws IOException {
    Objects.requireNonNull(config, "config");
    LineProtocolFileSink sink = new LineProtocolFileSink(config, clock, registry);
    try {
      Files.createDirectories(config.directory());
      List<Path> files = ExportFiles.list(config.directory());
      for (Path f : files) {
        OwnerOnly.restrict(f); // files an older version wrote with the process umask
      }
      if (!files.isEmpty()) {
        Path newest = files.get(files.size() - 1);
        FileChannel ch =
            FileChannel.open(newest, StandardOpenOption.READ, StandardOpenOption.WRITE);
        try {
          TornTail.truncate(ch);
        } catch (IOException e) {
          ch.close();
          throw e;
        }
        if (ch.size() < config.maxFileBytes()) {
          sink.current = newest;
          sink.channel = ch;
        } else {
          ch.close();
        }
      }
    } catch (IOException e) {
      throw new IOException("export.dir " + config.directory() + ": " + e.getMessage(), e);
    }
    return sink;
  }

  @Override
  public synchronized WriteOutcome write(List<String> lines) {
    if (lines.isEmpty()) {
      return WriteOutcome.accepted();
    }
    StringBuilder sb = new StringBuilder();
    for (String line : lines) {
      sb.append(line).append('\n');
    }
    byte[] bytes = sb.toString().getBytes(StandardCharsets.UTF_8);
    long before = -1;
    try {
      if (channel == null
          || channel.size() > 0 && channel.size() + bytes.length > config.maxFileBytes()) {
        rotate();
      }
      before = channel.size();
      ByteBuffer buf = ByteBuffer.wrap(bytes);
      channel.position(before);
      while (buf.hasRemaining()) {
        channel.write(buf);
      }
      channel.force(true);
      return WriteOutcome.accepted();
    } catch (IOException e) {
      undo(before);
      return new WriteOutcome.Retryable(
          "io",
          "export to "
              + current
              + " failed: "
              + e.getClass().getSimpleName()
              + ": "
              + e.getMessage());
    }
  }

  private void rotate() throws IOException {
    closeChannel();
    Path dir = config.directory();
    Path next = ExportFiles.newFile(dir, clock.instant());
    channel =
        FileChannel.open(
            next,
            Set.of(StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE),
            OwnerOnly.attribute());
    current = next;
    fsyncDirectory(dir);
    List<Path> files = ExportFiles.list(dir);
    for (int i = 0; i < files.size() - config.maxFiles(); i++) {
      Path old = files.get(i);
      if (old.equals(current)) {
        continue;
      }
      long size = Files.size(old);
      Files.deleteIfExists(old);
      filesDropped.increment();
      bytesDropped.increment(size);
      LOG.warn(
          "export.maxFiles={} reached: deleted oldest export file {} ({} bytes)",
          config.maxFiles(),
          old,
          size);
    }
  }

  private void undo(long sizeBefore) {
    if (channel == null || sizeBefore < 0) {
      return;
    }
    try {
      channel.truncate(sizeBefore);
      channel.force(true);
    } catch (IOException e) {
      LOG.warn("cannot truncate {} after a failed write; reopening repairs the tail", current, e);
      closeChannel();
    }
  }

  private static void fsyncDirectory(Path dir) {
    try (FileChannel d = FileChannel.open(dir, StandardOpenOption.READ)) {
      d.force(true);
    } catch (IOException e) {
      // Not every platform can fsync a directory; the file data itself is still fsynced.
    }
  }

  @Override
  public DeleteOutcome delete(SeriesSelector selector, Instant stop) {
    return new DeleteOutcome.Unsupported(
        "line-protocol export files already written cannot be recalled (export.dir "
            + config.directory()
            + ")");
  }

  /** The file currently appended to, if any. */
  public synchronized Path currentFile() {
    return current;
  }

  private void closeChannel() {
    if (channel != null) {
      try {
        channel.close();
      } catch (IOException e) {
        LOG.warn("closing {} failed", current, e);
      }
      channel = null;
    }
  }

  @Override
  public synchronized void close() {
    closeChannel();
  }
}
