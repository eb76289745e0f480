package org.affectgate.agent.consent;

import java.util.Map;
import java.util.Set;

/**
 * A consistent read of the store for the gate.
 *
 * @param bindings active bindings by device id
 * @param lastEventId id of the newest history event (0 when there is none)
 * @param revokedSince participants with a revoke event after the id the read was asked for
 * @param syncOptIns subjects with a {@value Purposes#WELLNESS_HR_SYNC} consent not withdrawn, with
 *     its expiry in epoch ms ({@link Long#MAX_VALUE} for never)
 */
record ConsentSnapshot(
    Map<String, Binding> bindings,
    long lastEventId,
    Set<String> revokedSince,
    Map<String, Long> syncOptIns) {

  ConsentSnapshot {
    bindings = Map.copyOf(bindings);
    revokedSince = Set.copyOf(revokedSince);
    syncOptIns = Map.copyOf(syncOptIns);
  }
}
