package org.affectgate.device.mqtt;

/**
 * MQTT 3.1.1 topic-filter rules (section 4.7): {@code +} matches exactly one level, a trailing
 * {@code #} matches the parent level and any number of child levels, and wildcards at the first
 * level never match topics starting with {@code $}.
 */
public final class TopicFilter {
  private TopicFilter() {}

  /**
   * Whether {@code topic} (a concrete topic name) matches {@code filter}. Both are assumed valid;
   * see {@link #requireValidFilter} and {@link #requireValidTopic}.
   */
  public static boolean matches(String filter, String topic) {
    if (topic.startsWith("$") && (filter.startsWith("+") || filter.startsWith("#"))) {
      return false;
    }
    String[] f = filter.split("/", -1);
    String[] t = topic.split("/", -1);
    for (int i = 0; i < f.length; i++) {
      if (f[i].equals("#")) {
        return true;
      }
      if (i >= t.length) {
        return false;
      }
      if (!f[i].equals("+") && !f[i].equals(t[i])) {
        return false;
      }
    }
    return f.length == t.length;
  }

  /**
   * Checks a subscription filter.
   *
   * @throws IllegalArgumentException if empty, or a wildcard is not a whole level, or {@code #} is
   *     not last
   */
  public static String requireValidFilter(String filter) {
    if (filter == null || filter.isEmpty()) {
      throw new IllegalArgumentException("topic filter must not be empty");
    }
    String[] levels = filter.split("/", -1);
    for (int i = 0; i < levels.length; i++) {
      String level = levels[i];
      boolean hasWildcard = level.contains("+") || level.contains("#");
      if (hasWildcard && level.length() != 1) {
        throw new IllegalArgumentException("wildcard must fill a whole level in " + filter);
      }
      if (level.equals("#") && i != levels.length - 1) {
        throw new IllegalArgumentException("'#' must be the last level in " + filter);
      }
    }
    return filter;
  }

  /**
   * Checks a topic name used for publishing.
   *
   * @throws IllegalArgumentException if empty or containing a wildcard
   */
  public static String requireValidTopic(String topic) {
    if (topic == null || topic.isEmpty()) {
      throw new IllegalArgumentException("topic must not be empty");
    }
    if (topic.contains("+") || topic.contains("#")) {
      throw new IllegalArgumentException("topic must not contain wildcards: " + topic);
    }
    return topic;
  }
}
