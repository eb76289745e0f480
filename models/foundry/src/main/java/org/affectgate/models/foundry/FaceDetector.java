package org.affectgate.models.foundry;

import ai.onnx.proto.OnnxMl.ModelProto;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * The shipped face detector: YuNet-n (ShiqiYu/libfacedetection.train@0047ac24, Apache-2.0), shipped
 * byte-for-byte as published (its graph is already clean: no initializers listed as inputs, static
 * shapes).
 *
 * <p>Contract: input {@value #INPUT} float32 [1, 3, 320, 320], planar BGR, raw 0..255 values, no
 * mean or scale (preprocessing id {@value #PREPROCESSING}); outputs {@code cls_*}, {@code obj_*}
 * (scores after sigmoid), {@code bbox_*} (4 box offsets) and {@code kps_*} (5 landmarks) for
 * strides 8, 16 and 32: 1600, 400 and 100 anchor points. Decoding and NMS happen in the caller.
 */
public final class FaceDetector {
  public static final String NAME = "face-detector";
  public static final String VERSION = "1.0.0";
  public static final String INPUT = "input";
  public static final String PREPROCESSING = "bgr320-raw-v1";

  private FaceDetector() {}

  /** The verified upstream bytes and their parsed graph. */
  public static Foundry.Artifact artifact(Path upstreamDir) throws IOException {
    byte[] bytes = Files.readAllBytes(Upstream.YUNET_N_320.verifiedIn(upstreamDir));
    ModelProto model = ModelProto.parseFrom(bytes);
    return Foundry.artifact(bytes, model, NAME, VERSION, PREPROCESSING, java.util.List.of(), null);
  }
}
