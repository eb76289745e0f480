package org.affectgate.demo;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * A recorded RR series in the Empatica E4 {@code IBI.csv} layout: a first line with the recording
 * start (unix seconds), then {@code secondsSinceStart, ibiSeconds} per detected beat. Beat times
 * mark the end of each interval; gaps (beats the device could not detect) are kept as gaps.
 *
 * @param beatEndSeconds beat times relative to the first beat of the recording, ascending
 * @param rrMs the interval ending at each beat, in milliseconds
 */
record RrRecording(String name, double[] beatEndSeconds, double[] rrMs) {

  /** Duration from the first to the last beat, in seconds. */
  public double durationSeconds() {
    return beatEndSeconds[beatEndSeconds.length - 1];
  }

  /**
   * Reads a bundled recording.
   *
   * @throws IllegalArgumentException naming the line when the file is not in the IBI.csv layout
   */
  public static RrRecording read(String name, InputStream in) {
    List<double[]> rows = new ArrayList<>();
    try (BufferedReader r =
        new BufferedReader(new InputStreamReader(in, StandardCharsets.US_ASCII))) {
      String line = r.readLine(); // recording start, unused
      int lineNo = 1;
      while ((line = r.readLine()) != null) {
        lineNo++;
        if (line.isBlank()) {
          continue;
        }
        String[] parts = line.split(",");
        if (parts.length != 2) {
          throw new IllegalArgumentException(name + ":" + lineNo + ": expected 'time,ibi'");
        }
        try {
          rows.add(
              new double[] {
                Double.parseDouble(parts[0].trim()), Double.parseDouble(parts[1].trim())
              });
        } catch (NumberFormatException e) {
          throw new IllegalArgumentException(name + ":" + lineNo + ": not a number", e);
        }
      }
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read RR recording " + name, e);
    }
    if (rows.isEmpty()) {
      throw new IllegalArgumentException(name + ": no beats");
    }
    double t0 = rows.get(0)[0];
    double[] t = new double[rows.size()];
    double[] rr = new double[rows.size()];
    for (int i = 0; i < rows.size(); i++) {
      t[i] = rows.get(i)[0] - t0;
      rr[i] = rows.get(i)[1] * 1000.0;
    }
    return new RrRecording(name, t, rr);
  }
}
