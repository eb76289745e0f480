package org.affectgate.models.cli;

import java.nio.file.Path;
import java.util.concurrent.Callable;
import org.affectgate.models.LoadedModel;
import org.affectgate.models.ModelRegistry;
import org.affectgate.models.ModelRequirement;
import org.affectgate.models.ModelRuntimeConfig;
import org.affectgate.models.eval.DataFolderException;
import org.affectgate.models.eval.FaceExpressionEval;
import org.affectgate.models.eval.FaceShippedEval;
import org.affectgate.models.face.FacePreprocessing;
import org.affectgate.models.foundry.FaceExpression;
import org.affectgate.models.kiosk.KioskLoopEval;
import org.affectgate.models.stress.HrvStress;
import org.affectgate.models.stress.HrvStressEval;
import org.affectgate.models.stress.HrvStressParameters;
import org.affectgate.models.stress.StressPredictData;
import org.affectgate.models.stress.StressShippedEval;
import org.affectgate.models.voice.EmoDb;
import org.affectgate.models.voice.MlpTrainer;
import org.affectgate.models.voice.VoiceEmotion;
import org.affectgate.models.voice.VoiceEmotionEval;
import org.affectgate.models.voice.VoiceShippedEval;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code models eval <name>}: metrics of a model on labelled data. With {@code --shipped}, the
 * shipped model as the agent runs it (manifest, the agent's feature or camera path, ONNX Runtime,
 * the manifest's calibration) on any folder in the documented layout, without retraining; without
 * it, the cross-validated evaluation of the training recipe (voice, stress) or the classifier on
 * centred crops (faces).
 */
@Command(
    name = "eval",
    mixinStandardHelpOptions = true,
    description = "Evaluate a shipped model on labelled data and print its metric tables.")
final class EvalCommand implements Callable<Integer> {
  @Parameters(
      index = "0",
      description =
          "Model name; supported: "
              + FaceExpression.NAME
              + "*, "
              + HrvStress.NAME
              + ", "
              + VoiceEmotion.NAME
              + ", "
              + KioskLoopEval.NAME)
  String name;

  @Option(
      names = "--data",
      description =
          "Labelled data directory (default: ../shared/datasets/faces-eval for face models,"
              + " ../shared/datasets/stress-predict for hrv-stress).")
  Path data;

  @Option(
      names = "--models",
      defaultValue = "models",
      description = "Directory holding manifest.json (default: ${DEFAULT-VALUE}).")
  Path models;

  @Option(
      names = "--crop",
      defaultValue = "1.0",
      description =
          "Centred square crop as a fraction of the shorter image side (default: ${DEFAULT-VALUE}).")
  double crop;

  @Option(
      names = "--shipped",
      description =
          "Evaluate the shipped model as the agent runs it (manifest, the agent's feature or camera"
              + " path, ONNX Runtime, its calibration) on --data without retraining: per-class"
              + " recall, UAR, accuracy, macro-F1, confusion, per-speaker or per-participant"
              + " figures, ROC AUC (stress) and calibration error. Any folder size.")
  boolean shipped;

  @Option(
      names = "--holdout",
      description = "Skip the rows used for int8 calibration (every 10th row of labels.csv).")
  boolean holdout;

  @Option(
      names = "--voice-data",
      defaultValue = "../shared/datasets/emodb-2s",
      description = "kiosk-loop: EmoDB folder (or its wav/) (default: ${DEFAULT-VALUE}).")
  Path voiceData;

  @Option(
      names = "--face-data",
      defaultValue = "../shared/datasets/faces-eval",
      description = "kiosk-loop: faces-eval layout folder (default: ${DEFAULT-VALUE}).")
  Path faceData;

  @Option(
      names = "--seeds",
      split = ",",
      defaultValue = "1,2,3,4,5",
      description = "kiosk-loop: session seeds (default: ${DEFAULT-VALUE}).")
  java.util.List<Long> seeds;

  @Option(
      names = "--sessions",
      defaultValue = "4",
      description =
          "kiosk-loop: sessions of each kind per speaker and seed (default: ${DEFAULT-VALUE}).")
  int sessions;

  @Option(
      names = "--part",
      defaultValue = "REST",
      description =
          "kiosk-loop: FIT, REST or ALL of the seeded speaker/person split (seed 15, as the"
              + " calibration); revisions are chosen on FIT, figures reported on REST (default:"
              + " ${DEFAULT-VALUE}).")
  KioskLoopEval.Part part;

  @Override
  public Integer call() throws Exception {
    if (KioskLoopEval.NAME.equals(name)) {
      System.out.print(
          KioskLoopEval.run(
              models.resolve("manifest.json"), voiceData, faceData, seeds, sessions, part));
      return 0;
    }
    if (shipped) {
      return evalShipped();
    }
    if (HrvStress.NAME.equals(name)) {
      return evalStress();
    }
    if (VoiceEmotion.NAME.equals(name)) {
      return evalVoice();
    }
    if (data == null) {
      data = Path.of("../shared/datasets/faces-eval");
    }
    if (!name.startsWith(FaceExpression.NAME)) {
      System.err.println("no evaluation defined for model '" + name + "'");
      return 2;
    }
    if (!java.nio.file.Files.isRegularFile(data.resolve("labels.csv"))) {
      throw new DataFolderException(
          data + ": expected labels.csv (image,emotion rows after a header) and images/");
    }
    ModelRegistry registry =
        ModelRegistry.open(ModelRuntimeConfig.of(models.resolve("manifest.json")));
    if (name.startsWith(org.affectgate.models.foundry.FaceApiExpression.NAME)) {
      try (LoadedModel model =
          registry.load(
              ModelRequirement.named(name)
                  .withPreprocessing(org.affectgate.models.face.RgbFacePreprocessing.ID))) {
        FaceExpressionEval.Result r =
            org.affectgate.models.eval.RgbFaceInputs.evaluate(model, data);
        System.out.printf(
            "%s on %s (whole image, black-padded to a square, no detector; %d undecodable, %d"
                + " unknown labels skipped)%n",
            name, data, r.undecodable(), r.unknownLabel());
        System.out.print(r.report().toTable());
      }
      return 0;
    }
    try (LoadedModel model =
        registry.load(ModelRequirement.named(name).withPreprocessing(FacePreprocessing.ID))) {
      FaceExpressionEval.Result r = FaceExpressionEval.evaluate(model, data, crop, holdout);
      System.out.printf(
          "%s on %s%s (centred crop %.2f, no detector; %d undecodable, %d unknown labels skipped)%n",
          name,
          data,
          holdout ? " minus calibration rows" : "",
          crop,
          r.undecodable(),
          r.unknownLabel());
      System.out.print(r.report().toTable());
    }
    return 0;
  }

  private int evalShipped() throws Exception {
    Path manifest = models.resolve("manifest.json");
    if (VoiceEmotion.NAME.equals(name)) {
      Path dir = data != null ? data : Path.of("../shared/datasets/emodb-2s/wav");
      java.util.List<EmoDb.Utterance> utterances = EmoDb.load(dir);
      ModelRegistry registry = ModelRegistry.open(ModelRuntimeConfig.of(manifest));
      VoiceShippedEval.Result r = VoiceShippedEval.run(registry, utterances);
      System.out.print(r.toText(title(registry, dir, "the agent's voice-v2 segment features")));
      return 0;
    }
    if (HrvStress.NAME.equals(name)) {
      Path dir = data != null ? data : Path.of("../shared/datasets/stress-predict");
      java.util.List<StressPredictData.Recording> recordings = StressPredictData.read(dir);
      ModelRegistry registry = ModelRegistry.open(ModelRuntimeConfig.of(manifest));
      StressShippedEval.Result r = StressShippedEval.run(registry, recordings, dir.toString());
      System.out.print(
          r.toText(
              title(
                  registry,
                  dir,
                  "IBI.csv beats through the agent's HRV stage (180 s windows every 10 s) and"
                      + " running baseline, threshold 0.5")));
      return 0;
    }
    if (name.startsWith(FaceExpression.NAME)) {
      Path dir = data != null ? data : Path.of("../shared/datasets/faces-eval");
      FaceShippedEval.Result r = FaceShippedEval.run(manifest, name, dir);
      System.out.print(
          r.toText(
              title(
                  ModelRegistry.open(ModelRuntimeConfig.of(manifest)),
                  dir,
                  "the agent's camera path: frame decoder, YuNet detection, alignment, crop")));
      return 0;
    }
    System.err.println("no evaluation defined for model '" + name + "'");
    return 2;
  }

  private String title(ModelRegistry registry, Path dir, String path) {
    String version =
        registry.manifest().find(name).map(org.affectgate.models.ModelEntry::version).orElse("?");
    return String.format(
        "%s (shipped %s, %s) on %s: %s; no retraining", name, version, models, dir, path);
  }

  /**
   * Nested leave-one-speaker-out of the shipped recipe (the headline figure), the fixed candidates
   * and an MLP for comparison, a speaker-normalised side figure, then the shipped model (loaded
   * through the registry with the agent's feature-spec check) on the whole set for reference.
   */
  private int evalVoice() throws Exception {
    if (data == null) {
      data = Path.of("../shared/datasets/emodb-2s/wav");
    }
    java.util.List<EmoDb.Utterance> utterances = EmoDb.load(data);
    java.util.List<String> speakers = VoiceEmotionEval.speakersWithSpeech(utterances);
    if (speakers.size() < 3) {
      throw new DataFolderException(
          String.format(
              "%s: nested leave-one-speaker-out needs at least 3 speakers with speech; found %d"
                  + " (%s); evaluate the shipped model on them with --shipped",
              data, speakers.size(), String.join(", ", speakers)));
    }
    VoiceEmotionEval.Result nested = VoiceEmotionEval.nested(utterances, VoiceEmotion.candidates());
    System.out.printf(
        "voice-emotion on %s, features %s: nested leave-one-speaker-out (L2 chosen per fold by an"
            + " inner leave-one-speaker-out over the training speakers)%n",
        data, org.affectgate.features.voice.VoiceFeatureSpec.ID);
    System.out.print(nested.summary());
    System.out.println();
    System.out.print(nested.speakerTable());
    System.out.println();
    System.out.println(
        "Fixed recipes, plain leave-one-speaker-out (choosing among these rows on this table would"
            + " be tuning on the test speakers):");
    System.out.println("| recipe | UAR | accuracy | arousal (disgust high) |");
    System.out.println("|---|---:|---:|---:|");
    java.util.Map<String, VoiceEmotionEval.Fitter> fixed =
        new java.util.LinkedHashMap<>(VoiceEmotion.candidates());
    MlpTrainer mlp = VoiceEmotion.mlp();
    fixed.put(
        String.format(
            java.util.Locale.ROOT,
            "MLP %d ReLU x %d members, l2=%s",
            mlp.hidden(),
            mlp.members(),
            mlp.l2()),
        mlp::fit);
    for (java.util.Map.Entry<String, VoiceEmotionEval.Fitter> e : fixed.entrySet()) {
      row(e.getKey(), VoiceEmotionEval.run(utterances, e.getKey(), e.getValue()));
    }
    java.util.Map.Entry<String, VoiceEmotionEval.Fitter> first =
        VoiceEmotion.candidates().entrySet().iterator().next();
    row(
        "SIDE FIGURE, not available on a kiosk: per-speaker z-scored features, " + first.getKey(),
        VoiceEmotionEval.run(
            VoiceEmotionEval.speakerNormalised(utterances), first.getKey(), first.getValue()));
    ModelRegistry registry =
        ModelRegistry.open(ModelRuntimeConfig.of(models.resolve("manifest.json")));
    try (LoadedModel model =
        registry.load(
            ModelRequirement.named(VoiceEmotion.NAME)
                .withFeatureSpec(org.affectgate.features.voice.VoiceFeatureSpec.ID))) {
      int right = 0;
      int total = 0;
      for (EmoDb.Utterance u : utterances) {
        if (u.segments().isEmpty()) {
          continue;
        }
        double[] p = new double[7];
        for (float[] v : u.segments()) {
          float[] out = model.infer(v);
          for (int c = 0; c < p.length; c++) {
            p[c] += out[c];
          }
        }
        int best = 0;
        for (int c = 1; c < p.length; c++) {
          best = p[c] > p[best] ? c : best;
        }
        right += best == u.label().ordinal() ? 1 : 0;
        total++;
      }
      System.out.printf(
          "%nshipped model on its own training data (not a generalisation estimate): accuracy"
              + " %.3f over %d utterances%n",
          (double) right / total, total);
    }
    return 0;
  }

  private static void row(String name, VoiceEmotionEval.Result r) {
    System.out.printf(
        java.util.Locale.ROOT,
        "| %s | %.3f | %.3f | %.3f |%n",
        name,
        r.uar(),
        r.accuracy(),
        r.arousalDisgustHigh());
  }

  private int evalStress() throws Exception {
    if (data == null) {
      data = Path.of("../shared/datasets/stress-predict");
    }
    ModelRegistry registry =
        ModelRegistry.open(ModelRuntimeConfig.of(models.resolve("manifest.json")));
    try (LoadedModel model =
        registry.load(
            ModelRequirement.named(HrvStress.NAME)
                .withPreprocessing(HrvStress.PREPROCESSING)
                .withFeatureSpec(HrvStress.FEATURE_SPEC))) {
      HrvStressEval.run(
          data, model, HrvStressParameters.read(models.resolve(HrvStress.PARAMETERS)), System.out);
    }
    return 0;
  }
}
