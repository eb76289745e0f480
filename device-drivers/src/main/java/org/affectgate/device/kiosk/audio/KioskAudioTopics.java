package org.affectgate.device.kiosk.audio;

import java.util.regex.Pattern;
import org.affectgate.device.ingest.ParseResult;
import org.affectgate.device.ingest.RejectReason;

/**
 * The kiosk audio topic tree under a prefix (default {@code affectgate/v1}): {@code
 * {prefix}/{site}/kiosk/{kioskId}/audio}. Site and kiosk ids match {@value #ID_REGEX}. Immutable
 * and thread-safe.
 */
public final class KioskAudioTopics {
  public static final String ID_REGEX = "[A-Za-z0-9_.-]{1,64}";
  private static final Pattern ID = Pattern.compile(ID_REGEX);

  /**
   * @param site site id
   * @param kioskId kiosk id
   */
  public record KioskTopic(String site, String kioskId) {}

  private final String prefix;

  /**
   * @param prefix topic prefix without trailing {@code /} (validated by {@code MqttConfig})
   */
  public KioskAudioTopics(String prefix) {
    if (prefix == null || prefix.isEmpty() || prefix.endsWith("/")) {
      throw new IllegalArgumentException("topic prefix must be non-empty without trailing '/'");
    }
    this.prefix = prefix;
  }

  public String subscriptionFilter() {
    return prefix + "/+/kiosk/+/audio";
  }

  /**
   * @throws IllegalArgumentException if an id does not match {@value #ID_REGEX}
   */
  public String topic(String site, String kioskId) {
    if (site == null || !ID.matcher(site).matches()) {
      throw new IllegalArgumentException("site must match " + ID_REGEX + " (got " + site + ")");
    }
    if (kioskId == null || !ID.matcher(kioskId).matches()) {
      throw new IllegalArgumentException(
          "kioskId must match " + ID_REGEX + " (got " + kioskId + ")");
    }
    return prefix + "/" + site + "/kiosk/" + kioskId + "/audio";
  }

  /** Parses an inbound topic; anything else is {@link RejectReason#UNKNOWN_TOPIC}. Never throws. */
  public ParseResult<KioskTopic> parse(String topic) {
    if (topic == null || !topic.startsWith(prefix + "/")) {
      return ParseResult.rejected(RejectReason.UNKNOWN_TOPIC, "topic outside prefix " + prefix);
    }
    String[] levels = topic.substring(prefix.length() + 1).split("/", -1);
    if (levels.length != 4 || !levels[1].equals("kiosk") || !levels[3].equals("audio")) {
      return ParseResult.rejected(RejectReason.UNKNOWN_TOPIC, "not a kiosk audio topic");
    }
    if (!ID.matcher(levels[0]).matches() || !ID.matcher(levels[2]).matches()) {
      return ParseResult.rejected(
          RejectReason.UNKNOWN_TOPIC, "site and kiosk ids must match " + ID_REGEX);
    }
    return ParseResult.ok(new KioskTopic(levels[0], levels[2]));
  }
}
