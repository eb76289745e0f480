package org.affectgate.device.wearable;

import java.util.List;
import java.util.regex.Pattern;
import org.affectgate.device.ingest.ParseResult;
import org.affectgate.device.ingest.RejectReason;

/**
 * The wearable topic tree under a prefix (default {@code affectgate/v1}):
 *
 * <pre>
 * {prefix}/{site}/wearable/{deviceId}/hr      JSON payload
 * {prefix}/{site}/wearable/{deviceId}/hr/ble  BLE payload
 * </pre>
 *
 * Site and device ids match {@value #ID_REGEX}. A gateway reads only its own site's tree: an
 * instance bound to a site ({@link #WearableTopics(String, String)}) subscribes to that site only
 * and parses any other site's topic as {@link RejectReason#UNKNOWN_TOPIC}, so another site's
 * samples never enter an engine even when a broker bridge or a wildcard delivers them. An unbound
 * instance ({@link #WearableTopics(String)}) only builds topics, for publishers such as simulators.
 * Immutable and thread-safe.
 */
public final class WearableTopics {
  public static final String ID_REGEX = "[A-Za-z0-9_.-]{1,64}";
  public static final Pattern ID_PATTERN = Pattern.compile(ID_REGEX);

  private final String prefix;
  private final String site;

  /**
   * A topic builder for publishers; {@link #parse} and {@link #subscriptionFilters} need a site.
   *
   * @param prefix topic prefix without trailing {@code /}, e.g. {@code affectgate/v1} (already
   *     validated by {@code MqttConfig})
   */
  public WearableTopics(String prefix) {
    if (prefix == null || prefix.isEmpty() || prefix.endsWith("/")) {
      throw new IllegalArgumentException("topic prefix must be non-empty without trailing '/'");
    }
    this.prefix = prefix;
    this.site = null;
  }

  /**
   * The tree of one site, as a gateway reads it.
   *
   * @param site this gateway's site id ({@code site}), matching {@value #ID_REGEX}
   * @throws IllegalArgumentException if prefix or site is invalid
   */
  public WearableTopics(String prefix, String site) {
    if (prefix == null || prefix.isEmpty() || prefix.endsWith("/")) {
      throw new IllegalArgumentException("topic prefix must be non-empty without trailing '/'");
    }
    requireId("site", site);
    this.prefix = prefix;
    this.site = site;
  }

  /**
   * The two subscription filters covering every device of this site (JSON first, then BLE).
   *
   * @throws IllegalStateException if this instance is not bound to a site
   */
  public List<String> subscriptionFilters() {
    String base = prefix + "/" + boundSite() + "/wearable/+/hr";
    return List.of(base, base + "/ble");
  }

  private String boundSite() {
    if (site == null) {
      throw new IllegalStateException("WearableTopics built without a site only builds topics");
    }
    return site;
  }

  /**
   * The topic for a device's payloads in the given format.
   *
   * @throws IllegalArgumentException if site or deviceId does not match {@value #ID_REGEX}
   */
  public String topic(String site, String deviceId, PayloadFormat format) {
    requireId("site", site);
    requireId("deviceId", deviceId);
    String base = prefix + "/" + site + "/wearable/" + deviceId + "/hr";
    return format == PayloadFormat.BLE ? base + "/ble" : base;
  }

  private static void requireId(String name, String value) {
    if (value == null || !ID_PATTERN.matcher(value).matches()) {
      throw new IllegalArgumentException(name + " must match " + ID_REGEX + " (got " + value + ")");
    }
  }

  /**
   * Parses an inbound topic name; anything outside this site's tree, another site's included, is
   * {@link RejectReason#UNKNOWN_TOPIC}. Never throws on any topic.
   *
   * @throws IllegalStateException if this instance is not bound to a site (a programming error)
   */
  public ParseResult<WearableTopic> parse(String topic) {
    String own = boundSite();
    if (topic == null || !topic.startsWith(prefix + "/")) {
      return ParseResult.rejected(RejectReason.UNKNOWN_TOPIC, "topic outside prefix " + prefix);
    }
    String[] levels = topic.substring(prefix.length() + 1).split("/", -1);
    PayloadFormat format;
    if (levels.length == 4 && levels[3].equals("hr")) {
      format = PayloadFormat.JSON;
    } else if (levels.length == 5 && levels[3].equals("hr") && levels[4].equals("ble")) {
      format = PayloadFormat.BLE;
    } else {
      return ParseResult.rejected(RejectReason.UNKNOWN_TOPIC, "not a wearable hr topic");
    }
    if (!levels[1].equals("wearable")) {
      return ParseResult.rejected(RejectReason.UNKNOWN_TOPIC, "not a wearable hr topic");
    }
    if (!ID_PATTERN.matcher(levels[0]).matches()) {
      return ParseResult.rejected(RejectReason.UNKNOWN_TOPIC, "site id must match " + ID_REGEX);
    }
    if (!ID_PATTERN.matcher(levels[2]).matches()) {
      return ParseResult.rejected(RejectReason.UNKNOWN_TOPIC, "device id must match " + ID_REGEX);
    }
    if (!levels[0].equals(own)) {
      return ParseResult.rejected(RejectReason.UNKNOWN_TOPIC, "not this gateway's site " + own);
    }
    return ParseResult.ok(new WearableTopic(levels[0], levels[2], format));
  }

  /**
   * The format implied by the topic suffix alone, for tagging rejections that happen before the
   * topic is fully parsed; {@code null} when neither suffix matches.
   */
  public static PayloadFormat formatOfSuffix(String topic) {
    if (topic == null) {
      return null;
    }
    if (topic.endsWith("/hr/ble")) {
      return PayloadFormat.BLE;
    }
    return topic.endsWith("/hr") ? PayloadFormat.JSON : null;
  }
}
