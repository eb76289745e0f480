package org.affectgate.agent.escalation;

import java.time.Instant;

/**
 * One escalation as raised: id, kiosk, summary and time. Immutable; what changes (notices,
 * acknowledgement) lives in {@link Escalations}.
 */
record Escalation(String id, String kioskId, EscalationSummary summary, Instant raisedAt) {}
