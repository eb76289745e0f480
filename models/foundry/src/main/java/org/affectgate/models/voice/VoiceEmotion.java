package org.affectgate.models.voice;

import ai.onnx.proto.OnnxMl.ModelProto;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.affectgate.features.voice.EmotionClass;
import org.affectgate.features.voice.VoiceFeatureSpec;
import org.affectgate.models.foundry.Foundry;

/**
 * The shipped {@code voice-emotion} recipe (issue 3 §5): a class-balanced multinomial logistic
 * regression on the agent's own {@code voice-v2} segment features (see {@link EmoDb}), {@value
 * #ITERATIONS} Adam steps, with its L2 penalty chosen from {@link #L2_GRID} by
 * leave-one-speaker-out UAR on the training speakers, trained on every EmoDB utterance of {@code
 * ../shared/datasets/emodb-2s}. Evaluated by {@link VoiceEmotionEval#nested} with the same
 * candidates, so the reported figure is not tuned on the held-out speaker.
 */
public final class VoiceEmotion {
  public static final String NAME = "voice-emotion";
  public static final String VERSION = "2.0.0";
  public static final String PARAMETERS = NAME + "/softmax.json";
  public static final List<Double> L2_GRID = List.of(0.01, 0.03, 0.1, 0.3);
  public static final int ITERATIONS = 300;

  private VoiceEmotion() {}

  /** The softmax candidates of the model selection, by name ({@code softmax l2=...}). */
  public static Map<String, VoiceEmotionEval.Fitter> candidates() {
    Map<String, VoiceEmotionEval.Fitter> out = new LinkedHashMap<>();
    for (double l2 : L2_GRID) {
      SoftmaxTrainer t = new SoftmaxTrainer(l2, ITERATIONS);
      out.put("softmax l2=" + l2, t::fit);
    }
    return out;
  }

  /**
   * A one-hidden-layer MLP ensemble, measured for comparison by {@code eval} (it did not beat the
   * softmax regression; see the model card). Not shipped.
   */
  public static MlpTrainer mlp() {
    return new MlpTrainer(16, 0.03, 300, 3, 1);
  }

  public static List<String> labels() {
    return Arrays.stream(EmotionClass.values()).map(EmotionClass::label).toList();
  }

  static String recipe(String chosen, double innerUar) {
    return String.format(
        java.util.Locale.ROOT,
        "multinomial logistic regression, class-balanced cross-entropy, %d full-batch Adam steps"
            + " (lr %s), on the agent's %s segment vectors of EmoDB (emodb-2s); %s chosen from"
            + " L2 %s by leave-one-speaker-out UAR (%.3f)",
        ITERATIONS,
        SoftmaxTrainer.LEARNING_RATE,
        VoiceFeatureSpec.ID,
        chosen,
        L2_GRID,
        innerUar);
  }

  /**
   * @throws org.affectgate.models.eval.DataFolderException if the folder is unusable or has fewer
   *     than two speakers with speech (the L2 choice is a leave-one-speaker-out)
   */
  public static VoiceEmotionParameters train(Path dataDir) throws IOException {
    List<EmoDb.Utterance> data = EmoDb.load(dataDir);
    List<String> speakers = VoiceEmotionEval.speakersWithSpeech(data);
    if (speakers.size() < 2) {
      throw new org.affectgate.models.eval.DataFolderException(
          dataDir
              + ": choosing the L2 penalty by leave-one-speaker-out needs at least 2 speakers with"
              + " speech; found "
              + speakers.size());
    }
    return train(data);
  }

  /** Selects the L2 penalty on {@code data} and fits the chosen recipe to all of it. */
  public static VoiceEmotionParameters train(List<EmoDb.Utterance> data) {
    VoiceEmotionEval.Choice choice = VoiceEmotionEval.select(data, candidates());
    double l2 = L2_GRID.get(List.copyOf(candidates().keySet()).indexOf(choice.name()));
    List<float[]> x = new ArrayList<>();
    List<Integer> y = new ArrayList<>();
    for (EmoDb.Utterance u : data) {
      for (float[] v : u.segments()) {
        x.add(v);
        y.add(u.label().ordinal());
      }
    }
    SoftmaxModel m =
        new SoftmaxTrainer(l2, ITERATIONS)
            .fit(x, y.stream().mapToInt(Integer::intValue).toArray(), labels().size());
    return new VoiceEmotionParameters(
        VoiceFeatureSpec.ID,
        VoiceFeatureSpec.names(),
        labels(),
        recipe(choice.name(), choice.uar()),
        x.size(),
        data.size(),
        m.mean(),
        m.scale(),
        m.weights(),
        m.bias());
  }

  /** The ONNX model of {@code p} and its manifest entry. */
  public static Foundry.Artifact artifact(VoiceEmotionParameters p) {
    if (!VoiceFeatureSpec.ID.equals(p.featureSpec())
        || !VoiceFeatureSpec.names().equals(p.features())) {
      throw new IllegalArgumentException(
          "coefficients are for feature spec "
              + p.featureSpec()
              + ", the agent extracts "
              + VoiceFeatureSpec.ID
              + " (retrain: `models train voice-emotion`)");
    }
    Map<String, String> meta = new LinkedHashMap<>();
    meta.put("featureSpec", p.featureSpec());
    meta.put("features", String.join(",", p.features()));
    meta.put("labels", String.join(",", p.labels()));
    meta.put("recipe", p.recipe());
    ModelProto model =
        VoiceEmotionOnnx.toOnnx(
            p.model(),
            "7 EmoDB emotion probabilities from the agent's "
                + VoiceFeatureSpec.ID
                + " segment features; trained on"
                + " EmoDB (CC0-1.0, republished by audEERING)",
            meta);
    return Foundry.artifact(model, NAME, VERSION, "none", p.labels(), p.featureSpec());
  }
}
