package org.affectgate.features.face;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.nio.file.Path;
import org.affectgate.device.ingest.ParseResult;
import org.affectgate.device.kiosk.camera.CameraFrame;
import org.affectgate.device.kiosk.camera.CameraLimits;
import org.affectgate.device.kiosk.camera.CameraPayloadParser;
import org.affectgate.device.kiosk.camera.DecodedImage;
import org.affectgate.device.kiosk.camera.FrameDecoder;
import org.affectgate.models.ModelRuntimeConfig;
import org.junit.jupiter.api.Test;

/**
 * The face-api expression models load through the shipped manifest with the RGB crop's
 * preprocessing id and classify real photos (../shared, read at test time only).
 */
class FaceApiOnRealPhotosTest {
  private static final Path MANIFEST =
      Path.of(System.getProperty("affectgate.repoRoot", ".."), "models", "manifest.json");

  @Test
  void faceApiModels_onRealPhotos_giveOneProbabilityPerLabelSummingToOne() throws Exception {
    DecodedImage frame = decode(SharedFaces.grid(SharedFaces.photos(4), 2, 2, 240));
    for (String model :
        new String[] {
          OnnxExpressionClassifier.MODEL_FACEAPI, OnnxExpressionClassifier.MODEL_FACEAPI_INT8
        }) {
      try (VisionModels models =
          VisionModels.load(
              ModelRuntimeConfig.of(MANIFEST),
              VisionConfig.defaults().withExpressionModel(model))) {
        assertThat(models.expressionModel().entry().preprocessing())
            .isEqualTo(RgbFaceAligner.PREPROCESSING);
        FrameAnalysis a = models.analyzer().analyze(frame);
        assertThat(a.faces()).as(model).hasSize(4);
        for (FaceObservation o : a.faces()) {
          assertThat(o.probabilities()).hasSize(models.analyzer().labels().size());
          double sum = 0;
          for (float p : o.probabilities()) {
            assertThat(p).isBetween(0f, 1f);
            sum += p;
          }
          assertThat(sum).as(model).isCloseTo(1.0, within(1e-4));
        }
      }
    }
  }

  private static DecodedImage decode(byte[] jpeg) {
    ParseResult<CameraFrame> frame =
        new CameraPayloadParser(CameraLimits.defaults())
            .parse("s", "k", CameraPayloadParser.encode(0, 0, jpeg));
    return ((ParseResult.Ok<DecodedImage>)
            new FrameDecoder().decode(((ParseResult.Ok<CameraFrame>) frame).value()))
        .value();
  }
}
