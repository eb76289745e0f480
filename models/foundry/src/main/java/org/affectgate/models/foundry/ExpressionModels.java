package org.affectgate.models.foundry;

import ai.onnx.proto.OnnxMl.ModelProto;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.affectgate.models.quant.ActivationRanges;
import org.affectgate.models.quant.QdqQuantizer;

/** What the face-expression model builders share: the metadata head and the int8 QDQ variant. */
final class ExpressionModels {
  private ExpressionModels() {}

  /** The {@code affectgate.*} metadata of a shipped classifier, in manifest order; mutable. */
  static Map<String, String> metadata(
      String name, String version, String preprocessing, List<String> labels) {
    Map<String, String> meta = new LinkedHashMap<>();
    meta.put("affectgate.name", name);
    meta.put("affectgate.version", version);
    meta.put("affectgate.preprocessing", preprocessing);
    meta.put("affectgate.labels", String.join(",", labels));
    return meta;
  }

  /**
   * Quantizes {@code fp32} (model {@code name}) with {@code ranges} into the int8 QDQ variant named
   * {@code int8Name}, with {@code docString}.
   *
   * @throws IllegalArgumentException if a range is missing or was measured on another model
   */
  static ModelProto toInt8(
      ModelProto fp32, ActivationRanges ranges, String name, String int8Name, String docString) {
    if (!name.equals(ranges.model())) {
      throw new IllegalArgumentException(
          "calibration ranges were measured on '" + ranges.model() + "', not " + name);
    }
    ModelProto q =
        QdqQuantizer.quantize(fp32, ranges, QdqQuantizer.ActivationType.UINT8, docString);
    ModelProto.Builder b = q.toBuilder();
    for (int i = 0; i < b.getMetadataPropsCount(); i++) {
      if (b.getMetadataProps(i).getKey().equals("affectgate.name")) {
        b.setMetadataProps(i, b.getMetadataProps(i).toBuilder().setValue(int8Name));
      }
    }
    return b.build();
  }
}
