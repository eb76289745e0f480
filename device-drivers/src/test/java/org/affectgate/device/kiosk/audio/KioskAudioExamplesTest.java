package org.affectgate.device.kiosk.audio;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.util.HexFormat;
import org.affectgate.device.ingest.ParseResult;
import org.affectgate.device.ingest.RejectReason;
import org.affectgate.device.mqtt.TopicFilter;
import org.affectgate.device.testing.AsyncApiDocument;
import org.junit.jupiter.api.Test;

/** Every kiosk audio example in {@code asyncapi.yaml} decodes (or is rejected) as it states. */
class KioskAudioExamplesTest {
  private static final String CHANNEL = "affectgate/v1/{site}/kiosk/{kioskId}/audio";

  @Test
  void everyExample_decodesToExpectedChunkOrReason() throws IOException {
    JsonNode doc = AsyncApiDocument.load();
    JsonNode examples = AsyncApiDocument.examples(doc, CHANNEL);
    AudioChunkParser parser = new AudioChunkParser();
    int accepted = 0;
    int rejected = 0;
    for (JsonNode ex : examples) {
      String name = ex.get("name").asText();
      String topic = ex.get("x-topic").asText();
      KioskAudioTopics topics = new KioskAudioTopics("affectgate/v1", topic.split("/")[2]);
      assertThat(TopicFilter.matches(topics.subscriptionFilter(), topic)).as(name).isTrue();
      KioskAudioTopics.KioskTopic t =
          ((ParseResult.Ok<KioskAudioTopics.KioskTopic>) topics.parse(topic)).value();
      ParseResult<AudioChunk> r =
          parser.parse(t.site(), t.kioskId(), HexFormat.of().parseHex(ex.get("payload").asText()));
      if (ex.has("x-rejected")) {
        assertThat(r).as(name).isInstanceOf(ParseResult.Rejected.class);
        assertThat(((ParseResult.Rejected<AudioChunk>) r).reason())
            .as(name)
            .isEqualTo(RejectReason.valueOf(ex.get("x-rejected").asText()));
        rejected++;
        continue;
      }
      assertThat(r).as(name).isInstanceOf(ParseResult.Ok.class);
      AudioChunk c = ((ParseResult.Ok<AudioChunk>) r).value();
      JsonNode e = ex.get("x-expected");
      assertThat(c.seq()).as(name).isEqualTo(e.get("seq").asLong());
      assertThat(c.captureTimeMs()).as(name).isEqualTo(e.get("ts").asLong());
      assertThat(c.sampleRateHz()).as(name).isEqualTo(e.get("rate").asInt());
      assertThat(c.sourceChannels()).as(name).isEqualTo(e.get("channels").asInt());
      float[] expected = new float[e.get("samples").size()];
      for (int i = 0; i < expected.length; i++) {
        expected[i] = (float) e.get("samples").get(i).asDouble();
      }
      assertThat(c.samples()).as(name).containsExactly(expected);
      accepted++;
    }
    assertThat(accepted).isGreaterThanOrEqualTo(3);
    assertThat(rejected).isGreaterThanOrEqualTo(4);
  }
}
