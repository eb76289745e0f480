package org.affectgate.models.voice;

import ai.onnx.proto.OnnxMl.ModelProto;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.affectgate.agent.voice.EmotionClass;
import org.affectgate.agent.voice.VoiceFeatureSpec;
import org.affectgate.models.foundry.Foundry;

/**
 * The shipped {@code voice-emotion} recipe (issue 3 §5): a multinomial logistic regression on the
 * agent's own {@code voice-v1} segment features (see {@link EmoDb}), class-balanced, L2 {@value
 * #L2}, {@value #ITERATIONS} Adam steps, trained on every EmoDB utterance of {@code
 * ../shared/datasets/emodb-2s}. Evaluated leave-one-speaker-out by {@link VoiceEmotionEval}.
 */
public final class VoiceEmotion {
  public static final String NAME = "voice-emotion";
  public static final String VERSION = "1.0.0";
  public static final String PARAMETERS = NAME + "/softmax.json";
  public static final double L2 = 0.1;
  public static final int ITERATIONS = 300;
  public static final String RECIPE =
      "multinomial logistic regression, class-balanced cross-entropy, L2 "
          + L2
          + ", "
          + ITERATIONS
          + " full-batch Adam steps (lr "
          + SoftmaxTrainer.LEARNING_RATE
          + "), on the agent's voice-v1 segment vectors of EmoDB (emodb-2s)";

  private VoiceEmotion() {}

  public static SoftmaxTrainer trainer() {
    return new SoftmaxTrainer(L2, ITERATIONS);
  }

  public static List<String> labels() {
    return Arrays.stream(EmotionClass.values()).map(EmotionClass::label).toList();
  }

  public static VoiceEmotionParameters train(Path dataDir) throws IOException {
    List<EmoDb.Utterance> data = EmoDb.load(dataDir);
    List<float[]> x = new ArrayList<>();
    List<Integer> y = new ArrayList<>();
    for (EmoDb.Utterance u : data) {
      for (float[] v : u.segments()) {
        x.add(v);
        y.add(u.label().ordinal());
      }
    }
    SoftmaxModel m =
        trainer().fit(x, y.stream().mapToInt(Integer::intValue).toArray(), labels().size());
    return new VoiceEmotionParameters(
        VoiceFeatureSpec.ID,
        VoiceFeatureSpec.names(),
        labels(),
        RECIPE,
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
            "7 EmoDB emotion probabilities from the agent's voice-v1 segment features; trained on"
                + " EmoDB (CC0-1.0, republished by audEERING)",
            meta);
    return Foundry.artifact(model, NAME, VERSION, "none", p.labels(), p.featureSpec());
  }
}
