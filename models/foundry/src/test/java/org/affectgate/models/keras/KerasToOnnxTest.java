package org.affectgate.models.keras;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.util.List;
import java.util.Map;
import org.affectgate.models.tensor.FloatTensor;
import org.junit.jupiter.api.Test;

class KerasToOnnxTest {
  private static final ObjectMapper JSON = new ObjectMapper();

  private static KerasLayer layer(String cls, String name, String config, List<String> in)
      throws Exception {
    return new KerasLayer(cls, name, JSON.readTree(config), in, List.of());
  }

  @Test
  void samePadding_oddTotal_putsExtraPixelAfter() throws Exception {
    KerasLayer l = layer("MaxPooling2D", "p", "{}", List.of());
    assertThat(KerasToOnnx.pads("same", 64, 3, 2, l)).containsExactly(0, 1);
    assertThat(KerasToOnnx.pads("same", 61, 3, 2, l)).containsExactly(1, 1);
    assertThat(KerasToOnnx.pads("same", 8, 1, 2, l)).containsExactly(0, 0);
    assertThat(KerasToOnnx.pads("valid", 64, 3, 1, l)).containsExactly(0, 0);
  }

  @Test
  void kernelLayouts_moveEachValueToItsOnnxIndex() {
    float[] hwio = new float[2 * 1 * 2 * 3];
    for (int i = 0; i < hwio.length; i++) {
      hwio[i] = i;
    }
    float[] oihw = KerasToOnnx.hwioToOihw(new FloatTensor(new int[] {2, 1, 2, 3}, hwio));
    // ONNX [o=2, i=1, y=1, x=0] comes from Keras [y=1, x=0, i=1, o=2] = ((1*1+0)*2+1)*3+2 = 11
    assertThat(oihw[((2 * 2 + 1) * 2 + 1) * 1]).isEqualTo(11f);

    float[] dw =
        KerasToOnnx.depthwiseToOnnx(new FloatTensor(new int[] {2, 1, 3, 2}, new float[12]));
    assertThat(dw).hasSize(12);
    float[] src = new float[12];
    for (int i = 0; i < 12; i++) {
      src[i] = i;
    }
    float[] d = KerasToOnnx.depthwiseToOnnx(new FloatTensor(new int[] {2, 1, 3, 2}, src));
    // ONNX [c=i*2+m, 0, y, x] with i=2, m=1, y=1 comes from Keras ((1*1+0)*3+2)*2+1 = 11
    assertThat(d[(2 * 2 + 1) * 2 + 1]).isEqualTo(11f);
  }

  @Test
  void unsupportedLayer_rejectedNamingIt() throws Exception {
    KerasModel m =
        new KerasModel(
            List.of(
                layer("InputLayer", "in", "{\"batch_input_shape\":[null,8,8,1]}", List.of()),
                layer("Dense", "dense_1", "{}", List.of("in"))),
            "in",
            "dense_1",
            "2.0.5");
    assertThatThrownBy(() -> KerasToOnnx.convert(m, options()))
        .isInstanceOf(KerasImportException.class)
        .hasMessage("unsupported layer Dense 'dense_1'");
  }

  @Test
  void batchNormAfterActivation_rejectedInsteadOfMisfolded() throws Exception {
    FloatTensor k = new FloatTensor(new int[] {1, 1, 1, 1}, new float[] {1});
    FloatTensor one = new FloatTensor(new int[] {1}, new float[] {1});
    KerasModel m =
        new KerasModel(
            List.of(
                layer("InputLayer", "in", "{\"batch_input_shape\":[null,4,4,1]}", List.of()),
                new KerasLayer(
                    "Conv2D",
                    "c",
                    JSON.readTree("{\"use_bias\":false,\"activation\":\"relu\"}"),
                    List.of("in"),
                    List.of(k)),
                new KerasLayer(
                    "BatchNormalization",
                    "bn",
                    JSON.readTree("{}"),
                    List.of("c"),
                    List.of(one, one, one, one))),
            "in",
            "bn",
            "2.0.5");
    assertThatThrownBy(() -> KerasToOnnx.convert(m, options()))
        .isInstanceOf(KerasImportException.class)
        .hasMessageContaining("BatchNormalization 'bn' does not directly follow");
  }

  private static KerasToOnnx.Options options() {
    return new KerasToOnnx.Options("g", "input", "output", "1.0.0", "", Map.of());
  }
}
