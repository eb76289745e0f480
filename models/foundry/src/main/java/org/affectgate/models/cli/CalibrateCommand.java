package org.affectgate.models.cli;

import ai.onnx.proto.OnnxMl.ModelProto;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;
import org.affectgate.models.eval.FaceExpressionEval;
import org.affectgate.models.eval.RgbFaceInputs;
import org.affectgate.models.foundry.FaceApiExpression;
import org.affectgate.models.foundry.FaceExpression;
import org.affectgate.models.foundry.Upstream;
import org.affectgate.models.quant.ActivationRanges;
import org.affectgate.models.quant.Calibrator;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code models calibrate face-expression} (or {@code face-expression-faceapi}): measures
 * activation ranges of the fp32 model on real face images read from {@code --data} at run time and
 * writes them to {@value FaceExpression#CALIBRATION} under {@code --out}; {@code models build} then
 * quantizes from that committed file (the images themselves are never written anywhere).
 */
@Command(
    name = "calibrate",
    mixinStandardHelpOptions = true,
    description = "Measure int8 activation ranges of a model on real samples.")
final class CalibrateCommand implements Callable<Integer> {
  @Parameters(
      index = "0",
      description =
          "Model to calibrate; supported: " + FaceExpression.NAME + ", " + FaceApiExpression.NAME)
  String name;

  @Option(names = "--data", defaultValue = "../shared/datasets/faces-eval", description = "Images.")
  Path data;

  @Option(
      names = "--upstream",
      defaultValue = "../shared/upstream-models",
      description = "Weights.")
  Path upstream;

  @Option(names = "--out", defaultValue = "models", description = "Models directory to write to.")
  Path out;

  @Override
  public Integer call() throws Exception {
    if (FaceApiExpression.NAME.equals(name)) {
      ModelProto fp32 = FaceApiExpression.build(upstream);
      List<float[]> inputs = RgbFaceInputs.calibrationInputs(data);
      ActivationRanges ranges =
          Calibrator.minMax(fp32, inputs, name, RgbFaceInputs.CALIBRATION_SELECTION);
      Path file = out.resolve(FaceApiExpression.CALIBRATION);
      ranges.write(file);
      System.out.printf(
          "%d tensors calibrated on %d samples (%s) -> %s%n",
          ranges.ranges().size(),
          inputs.size(),
          Upstream.FACE_API_EXPRESSION_MANIFEST.path(),
          file);
      return 0;
    }
    if (!FaceExpression.NAME.equals(name)) {
      System.err.println("no calibration defined for model '" + name + "'");
      return 2;
    }
    ModelProto fp32 =
        FaceExpression.toOnnx(FaceExpression.readKeras(upstream), FaceExpression.UPSTREAM);
    List<float[]> inputs = FaceExpressionEval.calibrationInputs(data);
    ActivationRanges ranges =
        Calibrator.minMax(fp32, inputs, name, FaceExpressionEval.CALIBRATION_SELECTION);
    Path file = out.resolve(FaceExpression.CALIBRATION);
    ranges.write(file);
    System.out.printf(
        "%d tensors calibrated on %d samples (%s) -> %s%n",
        ranges.ranges().size(), inputs.size(), Upstream.MINI_XCEPTION.path(), file);
    return 0;
  }
}
