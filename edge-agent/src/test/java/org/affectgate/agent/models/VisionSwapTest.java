package org.affectgate.agent.models;

import static org.assertj.core.api.Assertions.assertThat;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.affectgate.common.time.ManualScheduler;
import org.affectgate.device.ingest.ParseResult;
import org.affectgate.device.kiosk.camera.CameraFrame;
import org.affectgate.device.kiosk.camera.CameraLimits;
import org.affectgate.device.kiosk.camera.CameraPayloadParser;
import org.affectgate.device.kiosk.camera.DecodedImage;
import org.affectgate.device.kiosk.camera.FrameDecoder;
import org.affectgate.features.face.FrameAnalysis;
import org.affectgate.features.face.SharedFaces;
import org.affectgate.features.face.VisionConfig;
import org.affectgate.features.face.VisionModels;
import org.affectgate.models.ModelEntry;
import org.affectgate.models.ModelRuntimeConfig;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The camera path's models behind the swap holder, on real photos: a new face-expression model
 * (here the int8 file, same I/O) swaps in, and a shadow expression model is compared per face.
 */
class VisionSwapTest {
  @TempDir Path dir;
  @TempDir Path data;

  private static DecodedImage decode(byte[] jpeg) {
    var frame =
        new CameraPayloadParser(CameraLimits.defaults())
            .parse("s", "k", CameraPayloadParser.encode(0, 0, jpeg));
    return ((ParseResult.Ok<DecodedImage>)
            new FrameDecoder().decode(((ParseResult.Ok<CameraFrame>) frame).value()))
        .value();
  }

  private static void assertSameFaces(FrameAnalysis actual, FrameAnalysis expected) {
    assertThat(actual.faces()).hasSameSizeAs(expected.faces());
    for (int i = 0; i < expected.faces().size(); i++) {
      assertThat(actual.faces().get(i).probabilities())
          .containsExactly(expected.faces().get(i).probabilities());
    }
  }

  @Test
  void newExpressionModelSwapsIn_andShadowIsComparedPerFace() throws Exception {
    Path manifest =
        ModelDirs.copyShipped(dir, "face-detector", "face-expression", "face-expression-int8");
    List<ModelEntry> original = ModelDirs.entries(manifest);
    ModelEntry int8 = original.get(2);
    ModelRuntimeConfig runtime = ModelRuntimeConfig.of(manifest);
    VisionConfig d = VisionConfig.defaults();
    // mini-XCEPTION (the grey crop), whose int8 twin is the swap target below
    VisionConfig fp32 =
        new VisionConfig(
            "face-expression",
            d.scoreThreshold(),
            d.nmsThreshold(),
            d.maxFacesPerFrame(),
            d.alignZoom(),
            d.alignShiftY());
    DecodedImage frame = decode(SharedFaces.grid(SharedFaces.photos(6), 3, 2, 240));
    FrameAnalysis expectedFp32;
    FrameAnalysis expectedInt8;
    try (VisionModels a = VisionModels.load(runtime, fp32);
        VisionModels b =
            VisionModels.load(
                runtime,
                new VisionConfig(
                    "face-expression-int8",
                    fp32.scoreThreshold(),
                    fp32.nmsThreshold(),
                    fp32.maxFacesPerFrame(),
                    fp32.alignZoom(),
                    fp32.alignShiftY()))) {
      expectedFp32 = a.analyzer().analyze(frame);
      expectedInt8 = b.analyzer().analyze(frame);
    }
    ManualScheduler time = new ManualScheduler();
    SimpleMeterRegistry registry = new SimpleMeterRegistry();
    ModelSwaps swaps =
        new ModelSwaps(runtime, ModelArchive.inDataDir(data), time, null, time, registry);
    ModelSwaps.Vision vision = swaps.vision(VisionModels.load(runtime, fp32), fp32);
    try {
      swaps.start();
      assertSameFaces(vision.analyzer().analyze(frame), expectedFp32);

      // face-expression 1.1.0 is the int8 file; the old fp32 model becomes its shadow
      ModelEntry fp32Entry = original.get(1);
      ModelEntry newActive = rename(int8, "face-expression", "1.1.0", null);
      ModelEntry shadow = rename(fp32Entry, "face-expression-fp32", "1.0.0", "face-expression");
      ModelDirs.write(manifest, List.of(original.get(0), newActive, int8, shadow));
      ModelSwaps.Result r = swaps.reload("test");
      assertThat(r.outcome()).isEqualTo(ModelSwaps.Outcome.APPLIED);
      assertThat(r.detail())
          .contains("face-expression 1.0.0")
          .contains("-> 1.1.0")
          .contains("shadow of face-expression face-expression-fp32 1.0.0");

      FrameAnalysis after = vision.analyzer().analyze(frame);

      assertSameFaces(after, expectedInt8);
      @SuppressWarnings("unchecked")
      Map<String, Object> s =
          (Map<String, Object>)
              ((Map<String, Object>) swaps.status().get("shadows")).get("face-expression-fp32");
      assertThat(s.get("compared")).isEqualTo((long) expectedFp32.faces().size());
      assertThat(expectedFp32.faces()).isNotEmpty();
      System.out.printf(
          "vision shadow (fp32 beside int8) on %d faces: agreement %s, mean |dp| %s%n",
          expectedFp32.faces().size(), s.get("agreement"), s.get("meanAbsProbabilityDiff"));
    } finally {
      swaps.close();
      vision.close();
    }
  }

  private static ModelEntry rename(ModelEntry e, String name, String version, String shadowOf) {
    return new ModelEntry(
        name,
        version,
        e.file(),
        e.bytes(),
        e.sha256(),
        e.inputs(),
        e.outputs(),
        e.preprocessing(),
        e.labels(),
        e.featureSpec(),
        e.calibration(),
        shadowOf);
  }
}
