package org.affectgate.device.wearable;

import org.affectgate.device.ingest.ParseResult;

/**
 * Decodes one untrusted heart-rate payload. Implementations are stateless and thread-safe, and
 * never throw on bad bytes: every problem is a {@link ParseResult.Rejected} with a reason and a
 * detail that never echoes payload content.
 */
public interface HrPayloadParser {

  /**
   * @param site site id from the topic (already validated)
   * @param deviceId device id from the topic (already validated)
   * @param payload the raw MQTT payload; not modified, not retained
   */
  ParseResult<HrSample> parse(String site, String deviceId, byte[] payload);
}
