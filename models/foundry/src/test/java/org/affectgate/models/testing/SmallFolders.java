package org.affectgate.models.testing;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.stream.Stream;

/**
 * Small labelled folders in the documented layouts, built at test time in a temporary directory
 * from a few files of {@code ../shared/datasets} (never committed): EmoDB-style WAVs,
 * Stress-Predict participants, a faces {@code images/} + {@code labels.csv}.
 */
public final class SmallFolders {
  private SmallFolders() {}

  /** {@code ../shared/datasets/<name>}; fails the test if it is absent. */
  public static Path dataset(String name) {
    Path dir = SharedInputs.repoRoot().resolve("../shared/datasets").resolve(name).normalize();
    assertThat(dir).as("shared dataset %s (read ../shared/README.md)", name).isDirectory();
    return dir;
  }

  /** The first {@code perSpeaker} EmoDB WAVs (by name) of each speaker, copied into {@code dir}. */
  public static Path emodb(Path dir, int perSpeaker, String... speakers) throws IOException {
    Files.createDirectories(dir);
    Path wav = dataset("emodb-2s/wav");
    for (String speaker : speakers) {
      List<Path> files;
      try (Stream<Path> s = Files.list(wav)) {
        files =
            s.filter(p -> p.getFileName().toString().startsWith(speaker))
                .filter(p -> p.toString().endsWith(".wav"))
                .sorted()
                .limit(perSpeaker)
                .toList();
      }
      assertThat(files).as("EmoDB speaker %s", speaker).isNotEmpty();
      for (Path f : files) {
        Files.copy(f, dir.resolve(f.getFileName()));
      }
    }
    return dir;
  }

  /**
   * Stress-Predict participants ({@code raw/SNN/} and their rows of {@code hr_rsp_binary.csv})
   * copied into {@code dir}.
   */
  public static Path stressPredict(Path dir, int... participants) throws IOException {
    Path source = dataset("stress-predict");
    Files.createDirectories(dir.resolve("raw"));
    List<String> rows = new ArrayList<>();
    List<String> all = Files.readAllLines(source.resolve("hr_rsp_binary.csv"));
    for (int p : participants) {
      String id = String.format(Locale.ROOT, "S%02d", p);
      Path raw = dir.resolve("raw").resolve(id);
      Files.createDirectories(raw);
      try (Stream<Path> s = Files.list(source.resolve("raw").resolve(id))) {
        for (Path f : s.toList()) {
          Files.copy(f, raw.resolve(f.getFileName()));
        }
      }
      for (String line : all) {
        if (line.startsWith(p + ",")) {
          rows.add(line);
        }
      }
    }
    Files.write(dir.resolve("hr_rsp_binary.csv"), rows, StandardCharsets.US_ASCII);
    return dir;
  }

  /**
   * Rewrites a participant's {@code IBI.csv} so that successive intervals never differ by more than
   * 40 ms (each interval is moved towards the previous one): every window's pNN50 is then 0, so
   * that input is constant for the model.
   */
  public static void flattenSuccessiveDifferences(Path ibiCsv) throws IOException {
    List<String> lines = Files.readAllLines(ibiCsv, StandardCharsets.US_ASCII);
    List<String> out = new ArrayList<>();
    out.add(lines.get(0));
    double previous = Double.NaN;
    for (String line : lines.subList(1, lines.size())) {
      String[] p = line.split(",");
      double rr = Double.parseDouble(p[1].trim());
      if (!Double.isNaN(previous)) {
        rr = Math.max(previous - 0.040, Math.min(previous + 0.040, rr));
      }
      previous = rr;
      out.add(p[0].trim() + "," + String.format(Locale.ROOT, "%.6f", rr));
    }
    Files.write(ibiCsv, out, StandardCharsets.US_ASCII);
  }

  /** The first {@code n} rows of faces-eval's {@code labels.csv} and their images. */
  public static Path faces(Path dir, int n) throws IOException {
    Path source = dataset("faces-eval");
    Files.createDirectories(dir.resolve("images"));
    List<String> lines = Files.readAllLines(source.resolve("labels.csv"));
    List<String> out = new ArrayList<>(lines.subList(0, n + 1));
    for (String row : out.subList(1, out.size())) {
      String image = row.split(",")[0].trim();
      Files.copy(source.resolve("images").resolve(image), dir.resolve("images").resolve(image));
    }
    Files.write(dir.resolve("labels.csv"), out, StandardCharsets.UTF_8);
    return dir;
  }
}
