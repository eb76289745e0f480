package org.affectgate.device.kiosk.camera;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.util.HexFormat;
import org.affectgate.device.ingest.ParseResult;
import org.affectgate.device.mqtt.TopicFilter;
import org.affectgate.device.testing.AsyncApiDocument;
import org.junit.jupiter.api.Test;

/**
 * Every camera example in {@code device-drivers/asyncapi.yaml} goes through the topic tree, the
 * payload parser and the decoder, and must give its {@code x-expected} frame or {@code x-rejected}
 * reason.
 */
class CameraAsyncApiExamplesTest {
  private static final String CHANNEL = "affectgate/v1/{site}/kiosk/{kioskId}/camera";

  @Test
  void everyCameraExample_decodesToItsExpectedFrameOrReason() throws IOException {
    JsonNode doc = AsyncApiDocument.load();
    JsonNode channel = doc.get("channels").get(CHANNEL);
    assertThat(channel).as("camera channel").isNotNull();
    JsonNode message = doc.at(channel.at("/publish/message/$ref").asText().substring(1));
    CameraPayloadParser parser = new CameraPayloadParser(CameraLimits.defaults());
    FrameDecoder decoder = new FrameDecoder();
    int accepted = 0;
    int rejected = 0;
    for (JsonNode ex : message.get("examples")) {
      String name = ex.get("name").asText();
      String topic = ex.get("x-topic").asText();
      CameraTopics topics = new CameraTopics("affectgate/v1", topic.split("/")[2]);
      assertThat(TopicFilter.matches(topics.subscriptionFilter(), topic)).as(name).isTrue();
      CameraTopic t = ((ParseResult.Ok<CameraTopic>) topics.parse(topic)).value();
      byte[] payload = HexFormat.of().parseHex(ex.get("payload").asText());
      ParseResult<CameraFrame> parsed = parser.parse(t.site(), t.kioskId(), payload);
      if (ex.has("x-rejected")) {
        assertThat(parsed).as(name).isInstanceOf(ParseResult.Rejected.class);
        assertThat(((ParseResult.Rejected<CameraFrame>) parsed).reason().name())
            .as(name)
            .isEqualTo(ex.get("x-rejected").asText());
        rejected++;
        continue;
      }
      JsonNode e = ex.get("x-expected");
      CameraFrame frame = ((ParseResult.Ok<CameraFrame>) parsed).value();
      assertThat(frame.seq()).as(name).isEqualTo(e.get("seq").asLong());
      assertThat(frame.captureTimeMs()).as(name).isEqualTo(e.get("ts").asLong());
      assertThat(frame.info().format().name()).as(name).isEqualTo(e.get("format").asText());
      DecodedImage img = ((ParseResult.Ok<DecodedImage>) decoder.decode(frame)).value();
      assertThat(img.width()).as(name).isEqualTo(e.get("width").asInt());
      assertThat(img.height()).as(name).isEqualTo(e.get("height").asInt());
      assertThat(img.channels()).as(name).isEqualTo(e.get("channels").asInt());
      accepted++;
    }
    assertThat(accepted).isGreaterThanOrEqualTo(2);
    assertThat(rejected).isGreaterThanOrEqualTo(1);
  }
}
