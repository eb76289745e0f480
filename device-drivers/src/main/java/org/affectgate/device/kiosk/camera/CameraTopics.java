package org.affectgate.device.kiosk.camera;

import org.affectgate.device.ingest.ParseResult;
import org.affectgate.device.ingest.RejectReason;
import org.affectgate.device.wearable.WearableTopics;

/**
 * The kiosk camera topic tree under a prefix (default {@code affectgate/v1}): {@code
 * {prefix}/{site}/kiosk/{kioskId}/camera}. Site and kiosk ids match {@value
 * WearableTopics#ID_REGEX}. Immutable and thread-safe.
 */
public final class CameraTopics {
  private final String prefix;

  /**
   * @param prefix topic prefix without trailing {@code /}, as validated by {@code MqttConfig}
   */
  public CameraTopics(String prefix) {
    if (prefix == null || prefix.isEmpty() || prefix.endsWith("/")) {
      throw new IllegalArgumentException("topic prefix must be non-empty without trailing '/'");
    }
    this.prefix = prefix;
  }

  /** The subscription filter covering every site and kiosk. */
  public String subscriptionFilter() {
    return prefix + "/+/kiosk/+/camera";
  }

  /**
   * @throws IllegalArgumentException if an id does not match {@value WearableTopics#ID_REGEX}
   */
  public String topic(String site, String kioskId) {
    for (String id : new String[] {site, kioskId}) {
      if (id == null || !WearableTopics.ID_PATTERN.matcher(id).matches()) {
        throw new IllegalArgumentException(
            "site and kioskId must match " + WearableTopics.ID_REGEX + " (got " + id + ")");
      }
    }
    return prefix + "/" + site + "/kiosk/" + kioskId + "/camera";
  }

  /** Parses an inbound topic; anything else is {@link RejectReason#UNKNOWN_TOPIC}. Never throws. */
  public ParseResult<CameraTopic> parse(String topic) {
    if (topic == null || !topic.startsWith(prefix + "/")) {
      return ParseResult.rejected(RejectReason.UNKNOWN_TOPIC, "topic outside prefix " + prefix);
    }
    String[] levels = topic.substring(prefix.length() + 1).split("/", -1);
    if (levels.length != 4 || !levels[1].equals("kiosk") || !levels[3].equals("camera")) {
      return ParseResult.rejected(RejectReason.UNKNOWN_TOPIC, "not a kiosk camera topic");
    }
    if (!WearableTopics.ID_PATTERN.matcher(levels[0]).matches()
        || !WearableTopics.ID_PATTERN.matcher(levels[2]).matches()) {
      return ParseResult.rejected(
          RejectReason.UNKNOWN_TOPIC, "site and kiosk ids must match " + WearableTopics.ID_REGEX);
    }
    return ParseResult.ok(new CameraTopic(levels[0], levels[2]));
  }
}
