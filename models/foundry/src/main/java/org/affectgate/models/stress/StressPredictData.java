package org.affectgate.models.stress;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

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

  /** Every labelled participant in {@code dir}, ordered by participant id. */
  public static List<Recording> read(Path dir) throws IOException {
    Map<String, TreeMap<Long, Integer>> labels = readLabels(dir.resolve("hr_rsp_binary.csv"));
    List<Recording> out = new ArrayList<>();
    for (Map.Entry<String, TreeMap<Long, Integer>> e : labels.entrySet()) {
      Path raw = dir.resolve("raw").resolve(e.getKey());
      List<String> hr = lines(raw.resolve("HR.csv"));
      long hrStart = Math.round(Double.parseDouble(first(hr.get(0))) * 1000);
      double rate = Double.parseDouble(first(hr.get(1)));
      if (rate != 1.0) {
        throw new IOException(raw.resolve("HR.csv") + ": expected 1 Hz, got " + rate);
      }
      double[] bpm = new double[hr.size() - 2];
      for (int i = 2; i < hr.size(); i++) {
        bpm[i - 2] = Double.parseDouble(first(hr.get(i)));
      }
      out.add(
          new Recording(
              e.getKey(), readIbi(raw.resolve("IBI.csv")), hrStart, bpm, new Labels(e.getValue())));
    }
    return out;
  }

  /** Reads an Empatica {@code IBI.csv}: beats in file order. */
  public static List<Beat> readIbi(Path file) throws IOException {
    List<String> lines = lines(file);
    double start = Double.parseDouble(first(lines.get(0)));
    List<Beat> beats = new ArrayList<>();
    for (int i = 1; i < lines.size(); i++) {
      String[] p = lines.get(i).split(",");
      long end = Math.round((start + Double.parseDouble(p[0].trim())) * 1000);
      beats.add(new Beat(end, Double.parseDouble(p[1].trim()) * 1000));
    }
    return beats;
  }

  private static Map<String, TreeMap<Long, Integer>> readLabels(Path file) throws IOException {
    Map<String, TreeMap<Long, Integer>> out = new TreeMap<>();
    List<String> lines = lines(file);
    // The file has no header row; tolerate one in case a later copy adds it.
    int firstRow = Character.isDigit(lines.get(0).charAt(0)) ? 0 : 1;
    for (int i = firstRow; i < lines.size(); i++) {
      String[] p = lines.get(i).split(",");
      String id = String.format(java.util.Locale.ROOT, "S%02d", Integer.parseInt(p[0].trim()));
      long second = Math.round(Double.parseDouble(p[3].trim()));
      out.computeIfAbsent(id, k -> new TreeMap<>()).put(second, Integer.parseInt(p[4].trim()));
    }
    return out;
  }

  private static List<String> lines(Path file) throws IOException {
    return Files.readAllLines(file, StandardCharsets.US_ASCII).stream()
        .filter(l -> !l.isBlank())
        .toList();
  }

  private static String first(String line) {
    return line.split(",")[0].trim();
  }
}
