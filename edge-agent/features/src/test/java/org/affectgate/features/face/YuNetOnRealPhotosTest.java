package org.affectgate.features.face;

import static org.assertj.core.api.Assertions.assertThat;

import java.awt.image.BufferedImage;
import java.nio.file.Path;
import java.util.List;
import org.affectgate.device.ingest.ParseResult;
import org.affectgate.device.kiosk.camera.CameraLimits;
import org.affectgate.device.kiosk.camera.CameraPayloadParser;
import org.affectgate.device.kiosk.camera.DecodedImage;
import org.affectgate.device.kiosk.camera.FrameDecoder;
import org.affectgate.device.kiosk.camera.InterleavedImage;
import org.affectgate.models.ModelRuntimeConfig;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The real models on real photos from ../shared (read at test time only). */
class YuNetOnRealPhotosTest {
  static VisionModels models;

  @BeforeAll
  static void load() throws Exception {
    Path manifest =
        Path.of(System.getProperty("affectgate.repoRoot", ".."), "models", "manifest.json");
    models = VisionModels.load(ModelRuntimeConfig.of(manifest), VisionConfig.defaults());
  }

  @AfterAll
  static void close() {
    models.close();
  }

  private static DecodedImage decode(byte[] jpeg) {
    var frame =
        new CameraPayloadParser(CameraLimits.defaults())
            .parse("s", "k", CameraPayloadParser.encode(0, 0, jpeg));
    return ((ParseResult.Ok<DecodedImage>)
            new FrameDecoder()
                .decode(
                    ((ParseResult.Ok<org.affectgate.device.kiosk.camera.CameraFrame>) frame)
                        .value()))
        .value();
  }

  @Test
  void gridOfSixPhotos_findsSixFacesEachInItsTileWithLandmarksInsideTheBox() throws Exception {
    List<BufferedImage> photos = SharedFaces.photos(6);
    DecodedImage frame = decode(SharedFaces.grid(photos, 3, 2, 240));
    FrameAnalysis a = models.analyzer().analyze(frame);

    assertThat(a.faces()).hasSize(6);
    boolean[] tileHit = new boolean[6];
    for (FaceObservation o : a.faces()) {
      FaceDetection d = o.face();
      float cx = d.x() + d.width() / 2;
      float cy = d.y() + d.height() / 2;
      tileHit[(int) (cy / 240) * 3 + (int) (cx / 240)] = true;
      assertThat(d.width()).isBetween(60f, 240f);
      float[] lm = d.landmarks();
      for (int k = 0; k < 5; k++) {
        assertThat(lm[2 * k]).isBetween(d.x(), d.x() + d.width());
        assertThat(lm[2 * k + 1]).isBetween(d.y(), d.y() + d.height());
      }
      assertThat(lm[0]).as("subject's right eye left of the left eye").isLessThan(lm[2]);
      assertThat(lm[5]).as("nose below the eyes").isGreaterThan(Math.max(lm[1], lm[3]));
      assertThat(lm[7]).as("mouth below the nose").isGreaterThan(lm[5]);
      float sum = 0;
      for (float p : o.probabilities()) {
        sum += p;
      }
      assertThat(sum).isBetween(0.99f, 1.01f);
    }
    assertThat(tileHit).containsOnly(true);
  }

  @Test
  void blankFrame_findsNoFace() {
    byte[] grey = new byte[320 * 240];
    java.util.Arrays.fill(grey, (byte) 128);
    assertThat(models.analyzer().analyze(new InterleavedImage(320, 240, 1, grey)).faces())
        .isEmpty();
  }
}
