package org.affectgate.device.kiosk.consent;

import java.util.Objects;
import java.util.Set;

/**
 * One kiosk consent event, decoded from {@code {prefix}/{site}/kiosk/{kioskId}/consent} or the HTTP
 * API. Immutable.
 *
 * @param site site id from the topic
 * @param kioskId kiosk id from the topic
 * @param session the kiosk's random per-session id (never a person's identifier)
 * @param action what happened
 * @param purposes purposes concerned ({@code kiosk-voice}, {@code kiosk-face}, {@code
 *     kiosk-adapt}); empty for {@link Action#END}
 * @param tsMs when the kiosk recorded it, epoch ms: a grant too far from the agent's clock is
 *     refused ({@code mqtt.consentMaxAgeSeconds}); the ledger records the agent's own time, and
 *     keeps a grant's {@code ts} to recognise the same grant delivered again
 */
public record KioskConsentMessage(
    String site, String kioskId, String session, Action action, Set<String> purposes, long tsMs) {

  /** A visitor's consent gesture or the end of the visit. */
  public enum Action {
    GRANT,
    WITHDRAW,
    END
  }

  public KioskConsentMessage {
    Objects.requireNonNull(site, "site");
    Objects.requireNonNull(kioskId, "kioskId");
    Objects.requireNonNull(session, "session");
    Objects.requireNonNull(action, "action");
    purposes = Set.copyOf(purposes);
  }
}
