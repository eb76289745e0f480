package org.affectgate.agent.faults;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * The fault suite's result table. Every case adds one row <em>before</em> it asserts, so a failing
 * case still shows its figures; after each row the whole table gathered so far in this JVM is
 * printed to standard output (the last print is the full table), and the row is appended to {@code
 * target/fault-suite/rows.tsv} of the module, from which {@code deploy/dev/fault-suite.sh} writes
 * {@code edge-agent/docs/fault-suite-last-run.md}. Thread-safe.
 */
final class FaultTable {
  /** Where rows are appended, relative to the module directory (the test JVM's working dir). */
  static final Path ROWS = Path.of("target", "fault-suite", "rows.tsv");

  /**
   * One case's outcome.
   *
   * @param caseName what was done, e.g. {@code crash consistency (kill -9)}
   * @param cycles faults injected (kills, broker flaps, outage passes, messages)
   * @param losses acknowledged items missing at the end (see each case for "acknowledged")
   * @param duplicates items stored more than once
   * @param recoveries time from the end of each fault to the agent working again
   * @param ok whether every check of the case held
   * @param notes other figures and, when not ok, the first problem
   */
  record Row(
      String caseName,
      long cycles,
      long losses,
      long duplicates,
      List<Duration> recoveries,
      boolean ok,
      String notes) {

    String recoveryColumn() {
      if (recoveries.isEmpty()) {
        return "-";
      }
      List<Duration> sorted = recoveries.stream().sorted().toList();
      return seconds(sorted.get(0))
          + " / "
          + seconds(sorted.get(sorted.size() / 2))
          + " / "
          + seconds(sorted.get(sorted.size() - 1));
    }

    String tsv() {
      return String.join(
          "\t",
          FaultProfile.current().name(),
          caseName,
          Long.toString(cycles),
          Long.toString(losses),
          Long.toString(duplicates),
          recoveryColumn(),
          ok ? "ok" : "FAIL",
          notes.replace('\t', ' ').replace('\n', ' '));
    }
  }

  private static final List<Row> ROWS_SO_FAR = new ArrayList<>();

  private FaultTable() {}

  /**
   * A fresh directory {@code target/fault-suite/logs/CASE} for a case's agent logs, kept after the
   * run for inspection (the temporary data directories are not).
   */
  static Path logDir(String caseId) {
    Path dir = ROWS.getParent().resolve("logs").resolve(caseId);
    try {
      if (Files.isDirectory(dir)) {
        try (var files = Files.list(dir)) {
          for (Path f : files.toList()) {
            Files.delete(f);
          }
        }
      }
      return Files.createDirectories(dir);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot prepare " + dir.toAbsolutePath(), e);
    }
  }

  /** Records a row, appends it to {@link #ROWS} and prints the table so far. */
  static synchronized void add(Row row) {
    ROWS_SO_FAR.add(row);
    try {
      Files.createDirectories(ROWS.getParent());
      Files.writeString(
          ROWS,
          row.tsv() + "\n",
          StandardCharsets.UTF_8,
          StandardOpenOption.CREATE,
          StandardOpenOption.APPEND);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot append to " + ROWS.toAbsolutePath(), e);
    }
    System.out.println();
    System.out.println("Fault suite (" + FaultProfile.current().name() + "), cases so far:");
    System.out.println(render(ROWS_SO_FAR));
  }

  /** A Markdown table of the rows. */
  static String render(List<Row> rows) {
    StringBuilder sb = new StringBuilder();
    sb.append(
        "| case | cycles | losses | duplicates | recovery min / median / max | result | notes |\n");
    sb.append("|---|---:|---:|---:|---|---|---|\n");
    for (Row r : rows) {
      sb.append("| ")
          .append(r.caseName())
          .append(" | ")
          .append(r.cycles())
          .append(" | ")
          .append(r.losses())
          .append(" | ")
          .append(r.duplicates())
          .append(" | ")
          .append(r.recoveryColumn())
          .append(" | ")
          .append(r.ok() ? "ok" : "FAIL")
          .append(" | ")
          .append(r.notes().replace('|', '/'))
          .append(" |\n");
    }
    return sb.toString();
  }

  static String seconds(Duration d) {
    return String.format(Locale.ROOT, "%.2f s", d.toNanos() / 1e9);
  }
}
