package org.affectgate.models.cli;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import org.affectgate.models.ModelEntry;
import org.affectgate.models.ModelLoadException;
import org.affectgate.models.ModelRegistry;
import org.affectgate.models.ModelRuntimeConfig;
import org.affectgate.models.calibration.Prediction;
import org.affectgate.models.calibration.TemperatureRecord;
import org.affectgate.models.calibration.TemperatureStudy;
import org.affectgate.models.eval.DataFolderException;
import org.affectgate.models.eval.FaceShippedEval;
import org.affectgate.models.eval.Reliability;
import org.affectgate.models.eval.SeededSplit;
import org.affectgate.models.foundry.FaceExpression;
import org.affectgate.models.stress.HrvStress;
import org.affectgate.models.stress.LeaveOneParticipantOut;
import org.affectgate.models.stress.StressPredictData;
import org.affectgate.models.voice.EmoDb;
import org.affectgate.models.voice.VoiceEmotion;
import org.affectgate.models.voice.VoiceEmotionEval;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code models fit-temperature <name>}: fits the confidence temperature of a shipped model on half
 * of the development data's speakers / participants / people (split by {@link SeededSplit}),
 * measures ECE and the reliability diagram before and after on the other half, prints them and
 * writes {@code <name>/temperature.json}, which {@code build} puts into the manifest.
 *
 * <p>The predictions are what the model does on people it has not seen. Face expression: the
 * shipped model (not trained on faces-eval) through the agent's camera path. Voice and stress,
 * whose shipped models were trained on all the development data: the shipped recipe's
 * leave-one-speaker- (participant-)out outputs, i.e. each group scored by the recipe trained
 * without it.
 */
@Command(
    name = "fit-temperature",
    mixinStandardHelpOptions = true,
    description =
        "Fit a model's confidence temperature on half of the development data's groups, report ECE"
            + " before/after on the other half and write <name>/temperature.json (run `build`"
            + " next).")
final class TemperatureCommand implements Callable<Integer> {
  @Parameters(
      index = "0",
      description =
          "Model: "
              + FaceExpression.NAME
              + ", "
              + FaceExpression.INT8_NAME
              + ", "
              + VoiceEmotion.NAME
              + ", "
              + HrvStress.NAME)
  String name;

  @Option(
      names = "--data",
      description =
          "Development data (default: the model's ../shared/datasets folder: faces-eval,"
              + " emodb-2s/wav, stress-predict).")
  Path data;

  @Option(
      names = "--models",
      defaultValue = "models",
      description =
          "Models directory: manifest.json is read, <name>/"
              + TemperatureRecord.FILE
              + " written (default: ${DEFAULT-VALUE}).")
  Path models;

  @Option(
      names = "--seed",
      defaultValue = "" + SeededSplit.SEED,
      description = "Seed of the group split (default: ${DEFAULT-VALUE}).")
  long seed;

  @Override
  public Integer call() throws Exception {
    Path manifest = models.resolve("manifest.json");
    ModelRegistry registry = ModelRegistry.open(ModelRuntimeConfig.of(manifest));
    ModelEntry entry =
        registry
            .manifest()
            .find(name)
            .orElseThrow(
                () ->
                    new ModelLoadException(
                        ModelLoadException.Reason.NOT_IN_MANIFEST, name, "not in " + manifest));
    List<Prediction> predictions;
    String groupKind;
    String groups;
    String source;
    if (VoiceEmotion.NAME.equals(name)) {
      Path dir = data != null ? data : Path.of("../shared/datasets/emodb-2s/wav");
      List<EmoDb.Utterance> utterances = EmoDb.load(dir);
      requireGroups(dir, VoiceEmotionEval.speakersWithSpeech(utterances), "speakers with speech");
      VoiceEmotionEval.Choice choice =
          VoiceEmotionEval.select(utterances, VoiceEmotion.candidates());
      predictions = VoiceEmotionEval.outOfFoldSegments(utterances, choice.fitter());
      groupKind = "speaker";
      groups = "speakers";
      source =
          "leave-one-speaker-out segment outputs of the shipped recipe ("
              + choice.name()
              + ", chosen as in training) on "
              + dir;
    } else if (HrvStress.NAME.equals(name)) {
      Path dir = data != null ? data : Path.of("../shared/datasets/stress-predict");
      List<StressPredictData.Recording> recordings = StressPredictData.read(dir);
      var windows = HrvStress.windows(recordings, HrvStress.SHIPPED);
      List<String> participants = new ArrayList<>();
      windows.forEach(w -> participants.add(w.participant()));
      requireGroups(dir, participants.stream().distinct().toList(), "participants with windows");
      predictions = LeaveOneParticipantOut.outOfFold(windows, HrvStress.SHIPPED.trainer());
      groupKind = "participant";
      groups = "participants";
      source =
          "leave-one-participant-out window outputs of the shipped recipe ("
              + HrvStress.SHIPPED.name()
              + ") on "
              + dir;
    } else if (name.startsWith(FaceExpression.NAME)) {
      Path dir = data != null ? data : Path.of("../shared/datasets/faces-eval");
      FaceShippedEval.Result r = FaceShippedEval.run(manifest, name, dir, true);
      predictions = new ArrayList<>();
      for (int i = 0; i < r.truths().length; i++) {
        predictions.add(
            new Prediction(
                FaceShippedEval.person(r.images().get(i)),
                r.truths()[i],
                r.rawProbabilities().get(i)));
      }
      requireGroups(dir, predictions.stream().map(Prediction::group).distinct().toList(), "people");
      groupKind = "person (file name without _NNNN)";
      groups = "people";
      source =
          "outputs of the shipped model through the agent's camera path (detected faces) on " + dir;
    } else {
      System.err.println("no temperature fit defined for model '" + name + "'");
      return 2;
    }
    TemperatureStudy study = TemperatureStudy.of(predictions, seed);
    boolean list =
        study.split().fit().size() + study.split().rest().size()
            <= TemperatureRecord.MAX_LISTED_GROUPS;
    String fittedOn =
        String.format(
            Locale.ROOT,
            "%s; %s split by java.util.Random(%d) over the sorted ids, first half fits: T (lowest"
                + " ECE) fitted on %d %s (%d outputs), ECE measured on the other %d (%d outputs)",
            source,
            groupKind.replaceFirst(" .*", ""),
            seed,
            study.split().fit().size(),
            groups,
            study.fitBefore().n(),
            study.split().rest().size(),
            study.before().n());
    TemperatureRecord record =
        new TemperatureRecord(
            name,
            entry.sha256(),
            study.temperature(),
            fittedOn,
            seed,
            list ? study.split().fit() : List.of(),
            list ? study.split().rest() : List.of(),
            study.fitBefore().n(),
            study.before().n(),
            study.before().ece(),
            study.after().ece());
    Path file = models.resolve(TemperatureRecord.path(name));
    record.write(file);
    System.out.printf("%s: %s%n", name, source);
    System.out.print(study.toText(groupKind));
    if (entry.calibration() != null) {
      // the temperature the manifest carries now, on the same measuring part: a refit is shipped
      // only if it is lower there (the file below is written either way; `git checkout` it if not)
      double current = entry.calibration().temperature();
      Reliability now = TemperatureStudy.measuredAt(predictions, seed, current);
      System.out.printf(
          Locale.ROOT,
          "manifest's current T = %.4f on the same measuring part: ECE %.3f (mean confidence %.3f);"
              + " new T = %.4f: ECE %.3f (%s)%n%n",
          current,
          now.ece(),
          now.meanConfidence(),
          study.temperature(),
          study.after().ece(),
          study.after().ece() < now.ece() ? "lower" : "not lower");
    }
    System.out.printf("%n-> %s (run `build` next to put it into the manifest)%n", file);
    return 0;
  }

  private static void requireGroups(Path dir, List<String> groups, String what)
      throws DataFolderException {
    if (groups.size() < 2) {
      throw new DataFolderException(
          dir
              + ": fitting on one half and measuring on the other needs at least 2 "
              + what
              + " (found "
              + groups.size()
              + ")");
    }
  }
}
