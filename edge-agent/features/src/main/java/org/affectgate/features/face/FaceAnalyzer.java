package org.affectgate.features.face;

import java.util.ArrayList;
import java.util.List;
import org.affectgate.device.kiosk.camera.DecodedImage;

/**
 * The per-frame vision path, detect → align → crop → expression, shared by the agent's camera
 * pipeline, the foundry's evaluation ({@code org.affectgate.models.eval.FacesEval}) and the bench
 * module's {@code org.affectgate.models.bench.CameraBenchmark}, so accuracy and speed figures
 * describe what the agent really runs. Thread-safe if its stages are; blocks for two model runs per
 * face: worker threads only.
 */
public final class FaceAnalyzer {
  private final FaceDetector detector;
  private final ExpressionInput aligner;
  private final ExpressionClassifier classifier;

  public FaceAnalyzer(
      FaceDetector detector, ExpressionInput aligner, ExpressionClassifier classifier) {
    this.detector = detector;
    this.aligner = aligner;
    this.classifier = classifier;
  }

  public List<String> labels() {
    return classifier.labels();
  }

  /**
   * @throws VisionException if a model run fails
   */
  public FrameAnalysis analyze(DecodedImage image) {
    long t0 = System.nanoTime();
    List<FaceDetection> faces = detector.detect(image);
    long t1 = System.nanoTime();
    List<float[]> crops = new ArrayList<>(faces.size());
    for (FaceDetection f : faces) {
      crops.add(aligner.crop(image, f));
    }
    long t2 = System.nanoTime();
    List<FaceObservation> out = new ArrayList<>(faces.size());
    for (int i = 0; i < faces.size(); i++) {
      out.add(new FaceObservation(faces.get(i), classifier.classify(crops.get(i))));
    }
    long t3 = System.nanoTime();
    return new FrameAnalysis(out, t1 - t0, t2 - t1, t3 - t2);
  }
}
