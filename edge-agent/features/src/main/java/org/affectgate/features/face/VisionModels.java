package org.affectgate.features.face;

import java.util.ArrayList;
import java.util.List;
import org.affectgate.models.LoadedModel;
import org.affectgate.models.ModelLoadException;
import org.affectgate.models.ModelRegistry;
import org.affectgate.models.ModelRequirement;
import org.affectgate.models.ModelRuntimeConfig;

/**
 * The two vision models, loaded through the manifest with the preprocessing ids this package
 * implements (so a model expecting other inputs is refused at start-up), and a {@link FaceAnalyzer}
 * over them. Closing releases the stages' reusable tensors and both sessions; call after every
 * analysis has ended.
 */
public final class VisionModels implements AutoCloseable {
  private final List<LoadedModel> models = new ArrayList<>();
  private final List<AutoCloseable> stages = new ArrayList<>();
  private final FaceAnalyzer analyzer;
  private final FaceDetector detector;
  private final ExpressionClassifier classifier;

  private VisionModels(
      ModelRuntimeConfig runtime,
      String expressionModel,
      float scoreThreshold,
      float nmsThreshold,
      int maxFaces,
      ExpressionInput aligner)
      throws ModelLoadException {
    ModelRegistry registry = ModelRegistry.open(runtime);
    try {
      LoadedModel detector =
          registry.load(
              ModelRequirement.named(YuNetFaceDetector.MODEL)
                  .withPreprocessing(YuNetInput.PREPROCESSING));
      models.add(detector);
      LoadedModel expression =
          registry.load(
              ModelRequirement.named(expressionModel).withPreprocessing(aligner.preprocessing()));
      models.add(expression);
      YuNetFaceDetector faceDetector =
          new YuNetFaceDetector(detector, scoreThreshold, nmsThreshold, maxFaces);
      stages.add(faceDetector);
      OnnxExpressionClassifier classifier = new OnnxExpressionClassifier(expression);
      stages.add(classifier);
      analyzer = new FaceAnalyzer(faceDetector, aligner, classifier);
      this.detector = faceDetector;
      this.classifier = classifier;
    } catch (ModelLoadException | RuntimeException e) {
      close();
      throw e;
    }
  }

  /**
   * Loads the detector and {@code config.expressionModel()}; blocks for file I/O and session
   * creation (call from a worker or at start-up).
   *
   * @throws ModelLoadException if the manifest or a model is missing, altered or mismatched
   */
  public static VisionModels load(ModelRuntimeConfig runtime, VisionConfig config)
      throws ModelLoadException {
    return load(runtime, config, inputFor(config));
  }

  /**
   * The crop stage {@code config.expressionModel()} takes: {@link RgbFaceAligner} for the
   * face-api.js net, else {@link FaceAligner} with the configured zoom and shift. A new object on
   * every call.
   */
  public static ExpressionInput inputFor(VisionConfig config) {
    return OnnxExpressionClassifier.takesRgb(config.expressionModel())
        ? RgbFaceAligner.defaults()
        : new FaceAligner(config.alignZoom(), config.alignShiftY());
  }

  /**
   * As {@link #load(ModelRuntimeConfig, VisionConfig)} with a given crop stage (for alignment
   * sweeps); the expression model must take {@code input}'s preprocessing.
   *
   * @throws ModelLoadException if the manifest or a model is missing, altered or mismatched
   */
  public static VisionModels load(
      ModelRuntimeConfig runtime, VisionConfig config, ExpressionInput input)
      throws ModelLoadException {
    return new VisionModels(
        runtime,
        config.expressionModel(),
        (float) config.scoreThreshold(),
        (float) config.nmsThreshold(),
        config.maxFacesPerFrame(),
        input);
  }

  public FaceAnalyzer analyzer() {
    return analyzer;
  }

  /** The detector stage of {@link #analyzer()}; owned by this object. */
  public FaceDetector detector() {
    return detector;
  }

  /** The expression stage of {@link #analyzer()}; owned by this object. */
  public ExpressionClassifier classifier() {
    return classifier;
  }

  /** The detector's session (for the benchmark's bare-runtime baseline); owned by this object. */
  public LoadedModel detectorModel() {
    return models.get(0);
  }

  /**
   * The expression model's session (for the benchmark's bare-runtime baseline); owned by this
   * object.
   */
  public LoadedModel expressionModel() {
    return models.get(1);
  }

  @Override
  public void close() {
    for (AutoCloseable stage : stages) {
      try {
        stage.close();
      } catch (Exception e) {
        // closing a stage only frees its reusable tensors; nothing to recover
      }
    }
    stages.clear();
    for (LoadedModel m : models) {
      try {
        m.close();
      } catch (Exception e) {
        // closing a session only frees native memory; nothing to recover
      }
    }
    models.clear();
  }
}
