package org.affectgate.models.tfjs;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.affectgate.models.tensor.FloatTensor;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class TfjsWeightsTest {
  @TempDir Path dir;

  private Path manifest(String weights, byte[] shard) throws IOException {
    Files.write(dir.resolve("w.bin"), shard);
    Path m = dir.resolve("m.json");
    Files.writeString(m, "[{\"paths\":[\"w.bin\"],\"weights\":[" + weights + "]}]");
    return m;
  }

  @Test
  void read_uint8QuantisedThenFloat32_dequantisesWithMinAndScale() throws Exception {
    ByteBuffer shard = ByteBuffer.allocate(3 + 4).order(ByteOrder.LITTLE_ENDIAN);
    shard.put((byte) 0).put((byte) 4).put((byte) 255).putFloat(2.5f);
    Map<String, FloatTensor> w =
        TfjsWeights.read(
            manifest(
                "{\"name\":\"a/filters\",\"shape\":[1,3],\"dtype\":\"float32\",\"quantization\":"
                    + "{\"dtype\":\"uint8\",\"scale\":0.5,\"min\":-1.0}},"
                    + "{\"name\":\"a/bias\",\"shape\":[1],\"dtype\":\"float32\"}",
                shard.array()));

    assertThat(w.keySet()).containsExactly("a/filters", "a/bias");
    assertThat(w.get("a/filters").shape()).containsExactly(1, 3);
    assertThat(w.get("a/filters").data()).containsExactly(-1f, 1f, 126.5f);
    assertThat(w.get("a/bias").data()).containsExactly(2.5f);
  }

  @Test
  void read_shardShorterThanTheSpecs_namesTheWeight() throws Exception {
    Path m = manifest("{\"name\":\"b\",\"shape\":[4],\"dtype\":\"float32\"}", new byte[8]);
    assertThatThrownBy(() -> TfjsWeights.read(m))
        .isInstanceOf(IOException.class)
        .hasMessageContaining("weight b needs 16 bytes");
  }

  @Test
  void read_unsupportedQuantisation_isRefused() throws Exception {
    Path m =
        manifest(
            "{\"name\":\"c\",\"shape\":[1],\"dtype\":\"float32\",\"quantization\":"
                + "{\"dtype\":\"uint16\",\"scale\":1,\"min\":0}}",
            new byte[2]);
    assertThatThrownBy(() -> TfjsWeights.read(m))
        .isInstanceOf(IOException.class)
        .hasMessageContaining("unsupported quantization");
  }

  @Test
  void read_bytesLeftOver_isRefused() throws Exception {
    Path m = manifest("{\"name\":\"d\",\"shape\":[1],\"dtype\":\"float32\"}", new byte[5]);
    assertThatThrownBy(() -> TfjsWeights.read(m))
        .isInstanceOf(IOException.class)
        .hasMessageContaining("1 bytes left over");
  }
}
