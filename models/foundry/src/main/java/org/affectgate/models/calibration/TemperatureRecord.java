package org.affectgate.models.calibration;

import com.fasterxml.jackson.annotation.JsonPropertyOrder;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.affectgate.models.Calibration;

/**
 * A fitted confidence temperature, committed beside its model as {@code <name>/}{@value #FILE} so
 * that {@code build} stays a pure function of committed files: {@code build} copies it into the
 * manifest entry's {@code calibration}, and refuses it when the model it was fitted for ({@code
 * modelSha256}) is not the model it builds (retrained or replaced: fit again).
 *
 * @param model model name
 * @param modelSha256 SHA-256 of the ONNX file the temperature was fitted for
 * @param temperature the fitted {@code T}
 * @param fittedOn what was fitted on and measured on, in words (goes into the manifest)
 * @param seed seed of the group split ({@link org.affectgate.models.eval.SeededSplit})
 * @param fitGroups speakers / participants / people whose predictions {@code T} was fitted on;
 *     empty when the split has more than {@value #MAX_LISTED_GROUPS} groups (the seeded rule
 *     reproduces them)
 * @param measureGroups the others, on which the ECE figures were measured (same rule)
 * @param fitPredictions predictions in the fitting part
 * @param measurePredictions predictions in the measuring part
 * @param eceBefore ECE (10 bins) of the raw outputs on the measuring part
 * @param eceAfter the same with {@code T} applied
 */
@JsonPropertyOrder({
  "model",
  "modelSha256",
  "temperature",
  "fittedOn",
  "seed",
  "fitGroups",
  "measureGroups",
  "fitPredictions",
  "measurePredictions",
  "eceBefore",
  "eceAfter"
})
public record TemperatureRecord(
    String model,
    String modelSha256,
    double temperature,
    String fittedOn,
    long seed,
    List<String> fitGroups,
    List<String> measureGroups,
    int fitPredictions,
    int measurePredictions,
    double eceBefore,
    double eceAfter) {
  public static final String FILE = "temperature.json";
  public static final int MAX_LISTED_GROUPS = 50;

  private static final ObjectMapper JSON =
      new ObjectMapper()
          .enable(SerializationFeature.INDENT_OUTPUT)
          .enable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES);

  public TemperatureRecord {
    fitGroups = List.copyOf(fitGroups);
    measureGroups = List.copyOf(measureGroups);
    // validates the temperature, fittedOn and the ECE figures as the manifest will
    Calibration.temperature(temperature, fittedOn, eceBefore, eceAfter);
  }

  /** Where the record of {@code model} lives, relative to the models directory. */
  public static String path(String model) {
    return model + "/" + FILE;
  }

  /** The manifest's calibration field. */
  public Calibration calibration() {
    return Calibration.temperature(temperature, fittedOn, eceBefore, eceAfter);
  }

  public static TemperatureRecord read(Path file) throws IOException {
    return JSON.readValue(file.toFile(), TemperatureRecord.class);
  }

  /** The canonical file content ('\n' line ends). */
  public byte[] toBytes() throws IOException {
    return (JSON.writeValueAsString(this).replace("\r\n", "\n") + "\n")
        .getBytes(StandardCharsets.UTF_8);
  }

  public void write(Path file) throws IOException {
    Files.createDirectories(file.toAbsolutePath().getParent());
    Files.write(file, toBytes());
  }
}
