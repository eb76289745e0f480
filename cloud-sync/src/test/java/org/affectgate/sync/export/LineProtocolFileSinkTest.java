package org.affectgate.sync.export;

import static org.assertj.core.api.Assertions.assertThat;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.affectgate.sync.Metric;
import org.affectgate.sync.sink.DeleteOutcome;
import org.affectgate.sync.sink.WriteOutcome;
import org.affectgate.sync.testing.ExportedSeries;
import org.affectgate.sync.testing.ManualClock;
import org.affectgate.sync.testing.Points;
import org.affectgate.sync.testing.SubjectPoints;
import org.affectgate.sync.testing.VictoriaMetricsServer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class LineProtocolFileSinkTest {
  private static final long T0 = 1_700_000_000_000L;

  @TempDir Path dir;
  private final ManualClock clock = new ManualClock();
  private final SimpleMeterRegistry registry = new SimpleMeterRegistry();

  private LineProtocolFileSink open(long maxFileBytes, int maxFiles) throws IOException {
    return LineProtocolFileSink.open(
        new ExportConfig(dir.resolve("export"), maxFileBytes, maxFiles), clock, registry);
  }

  private static List<String> lines(List<Metric> points) {
    return points.stream().map(Metric::toLineProtocol).toList();
  }

  private List<String> allExportedLines() throws IOException {
    List<String> out = new ArrayList<>();
    for (Path p : ExportFiles.list(dir.resolve("export"))) {
      out.addAll(Files.readAllLines(p));
    }
    return out;
  }

  @Test
  void write_appendsNewlineTerminatedLinesToTimestampedFile() throws IOException {
    List<Metric> points = Points.series("a", T0, 3);
    try (LineProtocolFileSink sink = open(1 << 20, 4)) {
      WriteOutcome outcome = sink.write(lines(points));

      assertThat(outcome).isInstanceOf(WriteOutcome.Accepted.class);
      assertThat(sink.currentFile().getFileName().toString())
          .isEqualTo("affectgate-20250301-120000.lp");
      assertThat(Files.readString(sink.currentFile()))
          .isEqualTo(String.join("\n", lines(points)) + "\n");
    }
  }

  @Test
  void write_pastMaxFileBytes_rotatesAndKeepsOnlyNewestFiles() throws IOException {
    List<Metric> points = Points.series("a", T0, 10);
    long lineBytes = lines(points).get(0).getBytes(StandardCharsets.UTF_8).length + 1;
    try (LineProtocolFileSink sink = open(lineBytes * 2, 3)) {
      for (Metric m : points) {
        sink.write(List.of(m.toLineProtocol()));
        clock.advance(Duration.ofSeconds(1));
      }
    }

    List<Path> files = ExportFiles.list(dir.resolve("export"));
    assertThat(files).hasSize(3);
    assertThat(allExportedLines()).containsExactlyElementsOf(lines(points.subList(4, 10)));
    assertThat(registry.get("affectgate.export.files.dropped").counter().count()).isEqualTo(2.0);
    assertThat(registry.get("affectgate.export.bytes.dropped").counter().count())
        .isEqualTo(4.0 * lineBytes);
  }

  @Test
  void rotation_withinOneSecond_getsSequencedNamesInOrder() throws IOException {
    List<Metric> points = Points.series("a", T0, 3);
    try (LineProtocolFileSink sink = open(10, 10)) {
      for (Metric m : points) {
        sink.write(List.of(m.toLineProtocol()));
      }
    }

    assertThat(ExportFiles.list(dir.resolve("export")))
        .extracting(p -> p.getFileName().toString())
        .containsExactly(
            "affectgate-20250301-120000.lp",
            "affectgate-20250301-120000-1.lp",
            "affectgate-20250301-120000-2.lp");
    assertThat(allExportedLines()).containsExactlyElementsOf(lines(points));
  }

  @Test
  void reopen_afterTornWrite_cutsPartialLineAndAppendsToSameFile() throws IOException {
    List<Metric> points = Points.series("a", T0, 3);
    Path file;
    try (LineProtocolFileSink sink = open(1 << 20, 4)) {
      sink.write(lines(points.subList(0, 2)));
      file = sink.currentFile();
    }
    Files.writeString(
        file, "hrv_window,programme=p1,site=a hr_me", java.nio.file.StandardOpenOption.APPEND);

    try (LineProtocolFileSink sink = open(1 << 20, 4)) {
      sink.write(lines(points.subList(2, 3)));
      assertThat(sink.currentFile()).isEqualTo(file);
    }

    assertThat(Files.readAllLines(file)).containsExactlyElementsOf(lines(points));
  }

  @Test
  void exportedFile_isImportableThroughTheV2WriteApi() throws Exception {
    List<Metric> points = Points.series("imp", T0, 20);
    Path file;
    try (LineProtocolFileSink sink = open(1 << 20, 4)) {
      sink.write(lines(points));
      file = sink.currentFile();
    }

    try (VictoriaMetricsServer vm = new VictoriaMetricsServer().start()) {
      HttpResponse<String> r =
          HttpClient.newHttpClient()
              .send(
                  HttpRequest.newBuilder(URI.create(vm.url() + "/api/v2/write?precision=ms"))
                      .POST(HttpRequest.BodyPublishers.ofFile(file))
                      .build(),
                  HttpResponse.BodyHandlers.ofString());
      vm.flush();
      List<ExportedSeries> series = vm.exportJson("{__name__=\"hrv_window_hr_mean\",site=\"imp\"}");

      assertThat(r.statusCode()).isEqualTo(204);
      assertThat(series).hasSize(1);
      assertThat(series.get(0).timestamps())
          .containsExactlyElementsOf(points.stream().map(Metric::timestampMs).toList());
      assertThat(series.get(0).values())
          .containsExactlyElementsOf(points.stream().map(m -> m.fields().get("hr_mean")).toList());
    }
  }

  @Test
  void config_invalidValues_rejectedNamingKeys() {
    org.assertj.core.api.Assertions.assertThatThrownBy(() -> new ExportConfig(dir, 0, 1))
        .hasMessage("export.maxFileBytes must be > 0 (got 0)");
    org.assertj.core.api.Assertions.assertThatThrownBy(() -> new ExportConfig(dir, 1, 0))
        .hasMessage("export.maxFiles must be >= 1 (got 0)");
  }

  @Test
  void delete_exportedFilesCannotBeRecalled_isUnsupportedAndLeavesFilesAlone() throws Exception {
    LineProtocolFileSink sink =
        LineProtocolFileSink.open(
            new ExportConfig(dir.resolve("exp"), 1 << 20, 4),
            new ManualClock(),
            new SimpleMeterRegistry());
    String line = SubjectPoints.point("aa", 1_000, 70).toLineProtocol();
    sink.write(List.of(line));

    DeleteOutcome outcome = sink.delete(SubjectPoints.of("aa"), Instant.EPOCH);

    assertThat(outcome).isInstanceOf(DeleteOutcome.Unsupported.class);
    assertThat(((DeleteOutcome.Unsupported) outcome).reason()).contains("cannot be recalled");
    assertThat(Files.readString(sink.currentFile())).isEqualTo(line + "\n");
    sink.close();
  }
}
