package org.affectgate.sync.export;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * Naming and ordering of export files: {@code affectgate-YYYYMMDD-HHMMSS.lp} (UTC creation time),
 * with {@code -N} appended when a file of that second already exists. Order is by time, then N.
 */
final class ExportFiles {
  private static final Pattern NAME =
      Pattern.compile("affectgate-(\\d{8})-(\\d{6})(?:-(\\d{1,9}))?\\.lp");
  private static final DateTimeFormatter STAMP =
      DateTimeFormatter.ofPattern("yyyyMMdd-HHmmss").withZone(ZoneOffset.UTC);

  private record Ordered(Path path, String stamp, int seq) {}

  private ExportFiles() {}

  /** Export files in the directory, oldest first. Other files are ignored. */
  static List<Path> list(Path dir) throws IOException {
    try (Stream<Path> s = Files.list(dir)) {
      return s.map(ExportFiles::ordered)
          .flatMap(Optional::stream)
          .sorted(Comparator.comparing(Ordered::stamp).thenComparingInt(Ordered::seq))
          .map(Ordered::path)
          .toList();
    }
  }

  /** A name for a new file created at {@code now} that does not exist yet. */
  static Path newFile(Path dir, Instant now) {
    String base = "affectgate-" + STAMP.format(now);
    Path p = dir.resolve(base + ".lp");
    for (int seq = 1; Files.exists(p); seq++) {
      p = dir.resolve(base + "-" + seq + ".lp");
    }
    return p;
  }

  private static Optional<Ordered> ordered(Path p) {
    Matcher m = NAME.matcher(p.getFileName().toString());
    if (!m.matches() || !Files.isRegularFile(p)) {
      return Optional.empty();
    }
    int seq = m.group(3) == null ? 0 : Integer.parseInt(m.group(3));
    return Optional.of(new Ordered(p, m.group(1) + m.group(2), seq));
  }
}
