package org.affectgate.agent.escalation;

import java.util.Optional;

/**
 * The staff escalation topics of one site: {@code {prefix}/{site}/staff/escalation} (the agent
 * publishes, QoS 1, never retained) and {@code {prefix}/{site}/staff/escalation/{id}/ack} (staff
 * publish). Immutable.
 */
record EscalationTopics(String prefix, String site) {
  /** An escalation id as the agent makes them ({@code esc-} and 16 lower-case hex digits). */
  static final String ID_PATTERN = "esc-[0-9a-f]{16}";

  String escalation() {
    return prefix + "/" + site + "/staff/escalation";
  }

  String ackFilter() {
    return escalation() + "/+/ack";
  }

  String ack(String id) {
    return escalation() + "/" + id + "/ack";
  }

  /**
   * The id segment of an ack topic, empty when {@code topic} is not {@code
   * .../staff/escalation/{one segment}/ack} of this site. The segment is not checked against {@link
   * #ID_PATTERN} here.
   */
  Optional<String> ackId(String topic) {
    String head = escalation() + "/";
    if (!topic.startsWith(head) || !topic.endsWith("/ack")) {
      return Optional.empty();
    }
    String id = topic.substring(head.length(), topic.length() - "/ack".length());
    return id.isEmpty() || id.contains("/") ? Optional.empty() : Optional.of(id);
  }
}
