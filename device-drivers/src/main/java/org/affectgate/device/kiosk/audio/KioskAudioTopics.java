package org.affectgate.device.kiosk.audio;

import java.util.regex.Pattern;
import org.affectgate.device.ingest.ParseResult;
import org.affectgate.device.ingest.RejectReason;

/**
 * The kiosk audio topic tree under a prefix (default {@code affectgate/v1}): {@code
 * {prefix}/{site}/kiosk/{kioskId}/audio}. Site and kiosk ids match {@value #ID_REGEX}. An instance
 * bound to a site ({@link #KioskAudioTopics(String, String)}) subscribes to that site only and
 * parses any other site's topic as {@link RejectReason#UNKNOWN_TOPIC}; an unbound one only builds
 * topics (simulators). Immutable and thread-safe.
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
  private final String site;

  /**
   * A topic builder for publishers; {@link #parse} and {@link #subscriptionFilter} need a site.
   *
   * @param prefix topic prefix without trailing {@code /} (validated by {@code MqttConfig})
   */
  public KioskAudioTopics(String prefix) {
    this(prefix, null, false);
  }

  /**
   * The tree of one site, as a gateway reads it.
   *
   * @param site this gateway's site id ({@code site})
   * @throws IllegalArgumentException if prefix or site is invalid
   */
  public KioskAudioTopics(String prefix, String site) {
    this(prefix, site, true);
  }

  private KioskAudioTopics(String prefix, String site, boolean bound) {
    if (prefix == null || prefix.isEmpty() || prefix.endsWith("/")) {
      throw new IllegalArgumentException("topic prefix must be non-empty without trailing '/'");
    }
    if (bound && (site == null || !ID.matcher(site).matches())) {
      throw new IllegalArgumentException("site must match " + ID_REGEX + " (got " + site + ")");
    }
    this.prefix = prefix;
    this.site = site;
  }

  /**
   * The filter covering every kiosk of this site.
   *
   * @throws IllegalStateException if this instance is not bound to a site
   */
  public String subscriptionFilter() {
    return prefix + "/" + boundSite() + "/kiosk/+/audio";
  }

  private String boundSite() {
    if (site == null) {
      throw new IllegalStateException("KioskAudioTopics built without a site only builds topics");
    }
    return site;
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

  /**
   * Parses an inbound topic; anything else, another site's topic included, is {@link
   * RejectReason#UNKNOWN_TOPIC}. Never throws on any topic.
   *
   * @throws IllegalStateException if this instance is not bound to a site (a programming error)
   */
  public ParseResult<KioskTopic> parse(String topic) {
    String own = boundSite();
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
    if (!levels[0].equals(own)) {
      return ParseResult.rejected(RejectReason.UNKNOWN_TOPIC, "not this gateway's site " + own);
    }
    return ParseResult.ok(new KioskTopic(levels[0], levels[2]));
  }
}
