package org.affectgate.device.kiosk.camera;

import org.affectgate.device.ingest.ParseResult;
import org.affectgate.device.ingest.RejectReason;
import org.affectgate.device.wearable.WearableTopics;

/**
 * The kiosk camera topic tree under a prefix (default {@code affectgate/v1}): {@code
 * {prefix}/{site}/kiosk/{kioskId}/camera}. Site and kiosk ids match {@value
 * WearableTopics#ID_REGEX}. An instance bound to a site ({@link #CameraTopics(String, String)})
 * subscribes to that site only and parses any other site's topic as {@link
 * RejectReason#UNKNOWN_TOPIC}; an unbound one only builds topics (simulators). Immutable and
 * thread-safe.
 */
public final class CameraTopics {
  private final String prefix;
  private final String site;

  /**
   * A topic builder for publishers; {@link #parse} and {@link #subscriptionFilter} need a site.
   *
   * @param prefix topic prefix without trailing {@code /}, as validated by {@code MqttConfig}
   */
  public CameraTopics(String prefix) {
    this(prefix, null, false);
  }

  /**
   * The tree of one site, as a gateway reads it.
   *
   * @param site this gateway's site id ({@code site})
   * @throws IllegalArgumentException if prefix or site is invalid
   */
  public CameraTopics(String prefix, String site) {
    this(prefix, site, true);
  }

  private CameraTopics(String prefix, String site, boolean bound) {
    if (prefix == null || prefix.isEmpty() || prefix.endsWith("/")) {
      throw new IllegalArgumentException("topic prefix must be non-empty without trailing '/'");
    }
    if (bound && (site == null || !WearableTopics.ID_PATTERN.matcher(site).matches())) {
      throw new IllegalArgumentException(
          "site must match " + WearableTopics.ID_REGEX + " (got " + site + ")");
    }
    this.prefix = prefix;
    this.site = site;
  }

  /**
   * The subscription filter covering every kiosk of this site.
   *
   * @throws IllegalStateException if this instance is not bound to a site
   */
  public String subscriptionFilter() {
    return prefix + "/" + boundSite() + "/kiosk/+/camera";
  }

  private String boundSite() {
    if (site == null) {
      throw new IllegalStateException("CameraTopics built without a site only builds topics");
    }
    return site;
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

  /**
   * Parses an inbound topic; anything else, another site's topic included, is {@link
   * RejectReason#UNKNOWN_TOPIC}. Never throws on any topic.
   *
   * @throws IllegalStateException if this instance is not bound to a site (a programming error)
   */
  public ParseResult<CameraTopic> parse(String topic) {
    String own = boundSite();
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
    if (!levels[0].equals(own)) {
      return ParseResult.rejected(RejectReason.UNKNOWN_TOPIC, "not this gateway's site " + own);
    }
    return ParseResult.ok(new CameraTopic(levels[0], levels[2]));
  }
}
