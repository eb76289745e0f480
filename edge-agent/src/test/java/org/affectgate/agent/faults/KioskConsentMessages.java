package org.affectgate.agent.faults;

import java.nio.charset.StandardCharsets;

/** Kiosk consent payloads (version 1, see {@code KioskConsentParser}) and their topic. */
final class KioskConsentMessages {
  private KioskConsentMessages() {}

  static String topic(String kioskId) {
    return AgentYaml.PREFIX + "/" + AgentYaml.SITE + "/kiosk/" + kioskId + "/consent";
  }

  /**
   * {@code action} (grant, withdraw, end) of both kiosk purposes for {@code session} at {@code
   * tsMs}.
   */
  static byte[] of(String session, String action, long tsMs) {
    return ("{\"v\":1,\"session\":\""
            + session
            + "\",\"action\":\""
            + action
            + "\",\"purposes\":[\"kiosk-voice\",\"kiosk-face\"],\"ts\":"
            + tsMs
            + "}")
        .getBytes(StandardCharsets.UTF_8);
  }
}
