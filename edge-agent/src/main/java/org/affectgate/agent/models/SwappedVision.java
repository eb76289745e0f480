package org.affectgate.agent.models;

import java.util.List;
import org.affectgate.device.kiosk.camera.DecodedImage;
import org.affectgate.features.face.ExpressionClassifier;
import org.affectgate.features.face.FaceDetection;
import org.affectgate.features.face.FaceDetector;
import org.affectgate.features.face.OnnxExpressionClassifier;
import org.affectgate.features.face.VisionModels;
import org.affectgate.models.LoadedModel;

/**
 * The camera path's detector and expression stages as the agent runs them: each {@link
 * #detect}/{@link #classify} borrows the slot's current {@link VisionModels} (a hot swap takes
 * effect between two model runs and never closes a session under one). {@link #classify} then runs
 * the shadow expression model, if the manifest names one, on the same aligned crop and records the
 * comparison; only the active probabilities are returned. Camera worker threads; thread-safe.
 */
final class SwappedVision implements FaceDetector, ExpressionClassifier {
  private final ModelSlot<VisionModels, ShadowExpression> slot;
  private final List<String> labels;

  SwappedVision(ModelSlot<VisionModels, ShadowExpression> slot, List<String> labels) {
    this.slot = slot;
    this.labels = List.copyOf(labels);
  }

  @Override
  public List<FaceDetection> detect(DecodedImage image) {
    return slot.active().use(v -> v.detector().detect(image));
  }

  @Override
  public List<String> labels() {
    return labels;
  }

  @Override
  public float[] classify(float[] crop) {
    float[] p = slot.active().use(v -> v.classifier().classify(crop));
    slot.compareShadow(p, sh -> sh.classifier().classify(crop));
    return p;
  }

  /** A shadow expression model: its session and the classifier over it. */
  record ShadowExpression(LoadedModel model, OnnxExpressionClassifier classifier)
      implements AutoCloseable {
    @Override
    public void close() throws Exception {
      classifier.close();
      model.close();
    }
  }
}
