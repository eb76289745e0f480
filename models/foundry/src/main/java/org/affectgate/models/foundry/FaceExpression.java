package org.affectgate.models.foundry;

import ai.onnx.proto.OnnxMl.ModelProto;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.affectgate.models.keras.KerasH5Reader;
import org.affectgate.models.keras.KerasImportException;
import org.affectgate.models.keras.KerasModel;
import org.affectgate.models.keras.KerasToOnnx;
import org.affectgate.models.quant.ActivationRanges;

/**
 * The shipped face-expression model: oarriaga's mini-XCEPTION trained on FER2013, imported from
 * Keras HDF5 into ONNX.
 *
 * <p>Contract of the artifact: input {@value #INPUT} float32 [1, 1, 64, 64] (NCHW), a greyscale
 * face crop scaled {@code (p / 255 - 0.5) * 2} into [-1, 1] (preprocessing id {@value
 * #PREPROCESSING}); output {@value #OUTPUT} float32 [1, 7], softmax probabilities in the order of
 * {@link #LABELS}.
 */
public final class FaceExpression {
  public static final String NAME = "face-expression";

  /** The int8 QDQ variant, built from the fp32 graph and committed calibration ranges. */
  public static final String INT8_NAME = "face-expression-int8";

  /** Calibration ranges of the int8 variant, relative to the models directory. */
  public static final String CALIBRATION = INT8_NAME + "/calibration.json";

  public static final String VERSION = "1.0.0";
  public static final String INPUT = "input";
  public static final String OUTPUT = "probabilities";
  public static final String PREPROCESSING = "gray64-pm1-v1";
  public static final List<String> LABELS =
      List.of("angry", "disgust", "fear", "happy", "sad", "surprise", "neutral");

  public static final String UPSTREAM =
      "oarriaga/face_classification@b861d21b"
          + " trained_models/emotion_models/fer2013_mini_XCEPTION.102-0.66.hdf5 (MIT)";

  private FaceExpression() {}

  /** Reads the mini-XCEPTION weights from {@code upstreamDir}. */
  public static KerasModel readKeras(Path upstreamDir) throws IOException, KerasImportException {
    return KerasH5Reader.read(Upstream.MINI_XCEPTION.verifiedIn(upstreamDir));
  }

  /**
   * Quantizes the fp32 model with the given ranges into the int8 QDQ variant.
   *
   * @throws IllegalArgumentException if a range is missing or was measured on another model
   */
  public static ModelProto toInt8(ModelProto fp32, ActivationRanges ranges) {
    return ExpressionModels.toInt8(
        fp32,
        ranges,
        NAME,
        INT8_NAME,
        "Facial expression classifier (7 FER2013 classes), int8 QDQ of " + NAME + ".");
  }

  /** Converts a mini- or big-XCEPTION Keras model into the shipped ONNX form. */
  public static ModelProto toOnnx(KerasModel keras, String source) throws KerasImportException {
    Map<String, String> meta = ExpressionModels.metadata(NAME, VERSION, PREPROCESSING, LABELS);
    meta.put("source", source);
    meta.put("source.keras_version", keras.kerasVersion());
    return KerasToOnnx.convert(
        keras,
        new KerasToOnnx.Options(
            "mini_xception_fer2013",
            INPUT,
            OUTPUT,
            VERSION,
            "Facial expression classifier (7 FER2013 classes) for 64x64 greyscale face crops.",
            meta));
  }
}
