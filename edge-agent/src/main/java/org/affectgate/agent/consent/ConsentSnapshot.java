package org.affectgate.agent.consent;

import java.util.Map;
import java.util.Set;

/**
 * A consistent read of the store for the gate.
 *
 * @param bindings active bindings by device id
 * @param lastEventId id of the newest history event (0 when there is none)
 * @param revokedSince participants with a revoke event after the id the read was asked for
 */
record ConsentSnapshot(Map<String, Binding> bindings, long lastEventId, Set<String> revokedSince) {

  ConsentSnapshot {
    bindings = Map.copyOf(bindings);
    revokedSince = Set.copyOf(revokedSince);
  }
}
