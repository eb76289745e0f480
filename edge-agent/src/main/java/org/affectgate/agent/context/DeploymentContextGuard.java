package org.affectgate.agent.context;

import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Decides, once at start-up, which inference the agent may run in its declared deployment context:
 * face and voice emotion inference are refused in a {@code workplace} or {@code education} context
 * (EU AI Act Art. 5(1)(f)) unless a medical or safety purpose is declared in {@code
 * contextPurpose}. Heart-rate variability aggregates are physiological measures, not emotion
 * labels, and are allowed in every context (consent and k-anonymity still apply).
 *
 * <p>Every inference stage calls {@link #require} before it opens a camera, microphone or model;
 * the refusal message names the context and the keys to change. Immutable and thread-safe.
 */
public final class DeploymentContextGuard {
  private final DeploymentConfig config;
  private final Map<Inference, Optional<String>> refusals = new EnumMap<>(Inference.class);

  public DeploymentContextGuard(DeploymentConfig config) {
    this.config = config;
    for (Inference i : Inference.values()) {
      refusals.put(i, refusal(i));
    }
  }

  private Optional<String> refusal(Inference i) {
    DeploymentContext c = config.context();
    if (!i.infersEmotion() || !c.emotionInferenceProhibited() || config.purpose().isPresent()) {
      return Optional.empty();
    }
    return Optional.of(
        i.key()
            + " inference is prohibited in a "
            + c.key()
            + " context (EU AI Act Art. 5(1)(f)); it runs only with a declared medical or safety"
            + " purpose: set contextPurpose: \"medical: …\" or \"safety: …\", or correct context");
  }

  /** Empty when {@code inference} may run; otherwise why not. */
  public Optional<String> refusalFor(Inference inference) {
    return refusals.get(inference);
  }

  public boolean allows(Inference inference) {
    return refusals.get(inference).isEmpty();
  }

  /**
   * @throws InferenceRefusedException with the refusal message when {@code inference} may not run
   */
  public void require(Inference inference) {
    Optional<String> r = refusals.get(inference);
    if (r.isPresent()) {
      throw new InferenceRefusedException(r.get());
    }
  }

  public DeploymentConfig config() {
    return config;
  }

  /** Human-readable lines: the context, then one line per inference saying will / will not. */
  public List<String> describe() {
    List<String> out = new ArrayList<>();
    out.add(
        "context "
            + config.context().key()
            + config.purpose().map(p -> " with declared purpose \"" + p + "\"").orElse(""));
    for (Inference i : Inference.values()) {
      out.add(
          refusals
              .get(i)
              .map(r -> "will NOT infer " + i.key() + ": " + r)
              .orElse(
                  "may infer "
                      + i.key()
                      + (i.infersEmotion()
                          ? " (when its path is enabled)"
                          : " (consented wearables, aggregated over >= k subjects)")));
    }
    return out;
  }
}
