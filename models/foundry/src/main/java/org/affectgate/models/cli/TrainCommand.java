package org.affectgate.models.cli;

import java.nio.file.Path;
import java.util.concurrent.Callable;
import org.affectgate.models.stress.HrvStress;
import org.affectgate.models.stress.HrvStressParameters;
import org.affectgate.models.voice.VoiceEmotion;
import org.affectgate.models.voice.VoiceEmotionParameters;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code models train hrv-stress}: fits the shipped recipe on every labelled participant and writes
 * the coefficients file that {@code build} turns into the ONNX model. Deterministic.
 */
@Command(
    name = "train",
    mixinStandardHelpOptions = true,
    description = "Train a feature model on its dataset and write its coefficients file.")
final class TrainCommand implements Callable<Integer> {
  @Parameters(
      index = "0",
      description = "Model to train; supported: " + HrvStress.NAME + ", " + VoiceEmotion.NAME)
  String name;

  @Option(
      names = "--data",
      defaultValue = "../shared/datasets/stress-predict",
      description = "Dataset directory (default: ${DEFAULT-VALUE}).")
  Path data;

  @Option(
      names = "--out",
      defaultValue = "models",
      description = "Models directory to write to (default: ${DEFAULT-VALUE}).")
  Path out;

  @Override
  public Integer call() throws Exception {
    if (VoiceEmotion.NAME.equals(name)) {
      Path dir =
          data.equals(Path.of("../shared/datasets/stress-predict"))
              ? Path.of("../shared/datasets/emodb-2s/wav")
              : data;
      VoiceEmotionParameters v = VoiceEmotion.train(dir);
      Path file = out.resolve(VoiceEmotion.PARAMETERS);
      v.write(file);
      System.out.printf(
          "%s trained on %d segments of %d utterances -> %s (run `build` next)%n",
          name, v.segments(), v.utterances(), file);
      return 0;
    }
    if (!HrvStress.NAME.equals(name)) {
      System.err.println("no training defined for model '" + name + "'");
      return 2;
    }
    HrvStressParameters p = HrvStress.train(data);
    Path file = out.resolve(HrvStress.PARAMETERS);
    p.write(file);
    System.out.printf(
        "%s trained on %d windows (%d stress) of %d participants -> %s (run `build` next)%n",
        name, p.windows(), p.stressWindows(), p.participants().size(), file);
    return 0;
  }
}
