package org.affectgate.models.stress;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.affectgate.models.eval.DataFolderException;

/**
 * Reads the Stress-Predict dataset (italha-d/Stress-Predict-Dataset, MIT; see {@code
 * ../shared/README.md}).
 *
 * <p>Files used, per participant {@code SNN}: {@code raw/SNN/IBI.csv} (first line: session start,
 * unix s; then {@code seconds since start, inter-beat interval s}; the first column is the time of
 * the beat that closes the interval), {@code raw/SNN/HR.csv} (start unix s, rate 1 Hz, then one bpm
 * value per second) and the labels in {@code hr_rsp_binary.csv} ({@code Participant, HR, respr,
 * Time(sec), Label}: one row per second of the HR series, unix s, 1 = stress task, 0 =
 * baseline/relaxation). The file has no header row. Its times are on the task marks' clock; its HR
 * values sit one second earlier than {@code HR.csv}'s own start, which does not matter for 60 s
 * windows, and only its labels are used.
 *
 * <p><b>Labels.</b> The per-second labels of {@code hr_rsp_binary.csv} are the ground truth. They
 * mark the three tasks (Stroop, interview, hyperventilation) as stress and everything else as 0;
 * for 25 of the 29 participants their stress intervals coincide (within 1 s) with consecutive pairs
 * of the task marks {@code tags_SNN.csv} (marks 1-2, 3-4, 5-6). For S06, S17, S18 and S30 the tag
 * files are incomplete or hold times from another clock (offsets of about -42 000 s), while {@code
 * hr_rsp_binary.csv} still has all three tasks; so the tags are not used. S01 has raw data but no
 * labels and is left out. Stateless.
 */
public final class StressPredictData {
  /** One participant's session. */
  public record Recording(
      String participant, List<Beat> ibi, long hrStartMs, double[] hrBpm, Labels labels) {}

  /**
   * One inter-beat interval.
   *
   * @param endMs epoch ms of the beat closing the interval
   * @param rrMs interval length, ms
   */
  public record Beat(long endMs, double rrMs) {}

  /** Per-second labels of one participant: unix second to 0/1. */
  public record Labels(TreeMap<Long, Integer> bySecond) {
    /**
     * The label of {@code [fromMs, toMs)} if at least {@code minCoverage} of its seconds are
     * labelled and all agree; -1 otherwise (a window straddling a task boundary, or unlabelled).
     */
    public int windowLabel(long fromMs, long toMs, double minCoverage) {
      long from = Math.floorDiv(fromMs, 1000);
      long to = Math.floorDiv(toMs, 1000);
      Map<Long, Integer> inside = bySecond.subMap(from, true, to, false);
      if (inside.size() < minCoverage * (to - from)) {
        return -1;
      }
      int label = -1;
      for (int l : inside.values()) {
        if (label == -1) {
          label = l;
        } else if (l != label) {
          return -1;
        }
      }
      return label;
    }
  }

  private StressPredictData() {}

  /**
   * Every labelled participant in {@code dir}, ordered by participant id.
   *
   * @throws DataFolderException (one line naming the file and line) if {@code dir} is missing, has
   *     no {@code hr_rsp_binary.csv} or no rows in it, a row or a raw file is malformed, or a
   *     labelled participant has no {@code raw/SNN/IBI.csv} or {@code HR.csv}
   */
  public static List<Recording> read(Path dir) throws IOException {
    if (!Files.isDirectory(dir)) {
      throw new DataFolderException(dir + ": no such folder");
    }
    Path labelsFile = dir.resolve("hr_rsp_binary.csv");
    if (!Files.isRegularFile(labelsFile)) {
      throw new DataFolderException(
          dir
              + ": no hr_rsp_binary.csv (Stress-Predict layout: hr_rsp_binary.csv with Participant,"
              + " HR, respr, Time(sec), Label rows, and raw/SNN/IBI.csv, raw/SNN/HR.csv)");
    }
    Map<String, TreeMap<Long, Integer>> labels = readLabels(labelsFile);
    List<Recording> out = new ArrayList<>();
    for (Map.Entry<String, TreeMap<Long, Integer>> e : labels.entrySet()) {
      Path raw = dir.resolve("raw").resolve(e.getKey());
      Path hrFile = raw.resolve("HR.csv");
      Path ibiFile = raw.resolve("IBI.csv");
      for (Path f : List.of(ibiFile, hrFile)) {
        if (!Files.isRegularFile(f)) {
          throw new DataFolderException(
              f + " not found: " + e.getKey() + " has labels in hr_rsp_binary.csv but no raw file");
        }
      }
      List<Row> hr = rows(hrFile);
      if (hr.size() < 2) {
        throw new DataFolderException(hrFile + ": expected a start time and a rate line");
      }
      long hrStart = Math.round(number(hrFile, hr.get(0), 0) * 1000);
      double rate = number(hrFile, hr.get(1), 0);
      if (rate != 1.0) {
        throw new DataFolderException(hrFile + ": expected 1 Hz, got " + rate);
      }
      double[] bpm = new double[hr.size() - 2];
      for (int i = 2; i < hr.size(); i++) {
        bpm[i - 2] = number(hrFile, hr.get(i), 0);
      }
      out.add(new Recording(e.getKey(), readIbi(ibiFile), hrStart, bpm, new Labels(e.getValue())));
    }
    return out;
  }

  /**
   * Reads an Empatica {@code IBI.csv}: beats in file order.
   *
   * @throws DataFolderException naming the file and line if it is empty or a line is malformed
   */
  public static List<Beat> readIbi(Path file) throws IOException {
    List<Row> lines = rows(file);
    if (lines.isEmpty()) {
      throw new DataFolderException(file + ": empty (expected a start time line, then beats)");
    }
    double start = number(file, lines.get(0), 0);
    List<Beat> beats = new ArrayList<>();
    for (Row r : lines.subList(1, lines.size())) {
      double at = number(file, r, 0);
      double ibi = number(file, r, 1);
      if (!(ibi > 0)) {
        throw new DataFolderException(
            file + " line " + r.number() + ": inter-beat interval must be > 0 s (got " + ibi + ")");
      }
      beats.add(new Beat(Math.round((start + at) * 1000), ibi * 1000));
    }
    return beats;
  }

  private static Map<String, TreeMap<Long, Integer>> readLabels(Path file) throws IOException {
    Map<String, TreeMap<Long, Integer>> out = new TreeMap<>();
    List<Row> lines = rows(file);
    // The file has no header row; tolerate one in case a later copy adds it.
    int firstRow = !lines.isEmpty() && Character.isDigit(lines.get(0).text().charAt(0)) ? 0 : 1;
    for (Row r : lines.subList(Math.min(firstRow, lines.size()), lines.size())) {
      String[] p = r.text().split(",");
      int participant;
      int label;
      long second;
      try {
        if (p.length != 5) {
          throw new NumberFormatException("5 columns expected");
        }
        participant = Integer.parseInt(p[0].trim());
        second = Math.round(Double.parseDouble(p[3].trim()));
        label = Integer.parseInt(p[4].trim());
      } catch (NumberFormatException e) {
        participant = -1;
        second = 0;
        label = -1;
      }
      if (participant < 0 || (label != 0 && label != 1)) {
        throw new DataFolderException(
            file
                + " line "
                + r.number()
                + ": expected Participant,HR,respr,Time(sec),Label with Label 0 or 1 (got '"
                + abbreviate(r.text())
                + "')");
      }
      String id = String.format(java.util.Locale.ROOT, "S%02d", participant);
      out.computeIfAbsent(id, k -> new TreeMap<>()).put(second, label);
    }
    if (out.isEmpty()) {
      throw new DataFolderException(file + ": no labelled rows");
    }
    return out;
  }

  /** A non-blank line and its 1-based number in the file. */
  private record Row(int number, String text) {}

  private static List<Row> rows(Path file) throws IOException {
    List<String> all = Files.readAllLines(file, StandardCharsets.US_ASCII);
    List<Row> out = new ArrayList<>();
    for (int i = 0; i < all.size(); i++) {
      if (!all.get(i).isBlank()) {
        out.add(new Row(i + 1, all.get(i)));
      }
    }
    return out;
  }

  /** Column {@code column} of a row as a number. */
  private static double number(Path file, Row r, int column) throws DataFolderException {
    String[] p = r.text().split(",");
    try {
      double v = Double.parseDouble(p[column].trim());
      if (Double.isFinite(v)) {
        return v;
      }
    } catch (NumberFormatException | ArrayIndexOutOfBoundsException e) {
      // reported below
    }
    throw new DataFolderException(
        file
            + " line "
            + r.number()
            + ": column "
            + (column + 1)
            + " is not a number (got '"
            + abbreviate(r.text())
            + "')");
  }

  private static String abbreviate(String s) {
    return s.length() <= 60 ? s : s.substring(0, 57) + "...";
  }
}
