package org.affectgate.device.testing;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/** {@code device-drivers/asyncapi.yaml}, for the tests that check its examples against the code. */
public final class AsyncApiDocument {
  private AsyncApiDocument() {}

  /** The parsed document (found from the module directory or the repository root). */
  public static JsonNode load() throws IOException {
    Path file = Path.of("asyncapi.yaml");
    if (!Files.exists(file)) {
      file =
          Path.of(
              System.getProperty("affectgate.repoRoot", "."), "device-drivers", "asyncapi.yaml");
    }
    return new ObjectMapper(new YAMLFactory()).readTree(file.toFile());
  }

  /** The {@code examples} of the message published on {@code channel}. */
  public static JsonNode examples(JsonNode doc, String channel) {
    JsonNode ch = doc.at("/channels").get(channel);
    if (ch == null) {
      throw new AssertionError("asyncapi.yaml has no channel " + channel);
    }
    String ref = ch.at("/publish/message/$ref").asText();
    return doc.at(ref.substring(1)).get("examples");
  }
}
