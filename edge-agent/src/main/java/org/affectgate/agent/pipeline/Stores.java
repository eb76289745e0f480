package org.affectgate.agent.pipeline;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import org.affectgate.agent.config.AgentConfig;
import org.affectgate.agent.consent.CloudDeletions;
import org.affectgate.agent.consent.ConsentGate;
import org.affectgate.agent.consent.ConsentStore;
import org.affectgate.agent.consent.KioskConsent;
import org.affectgate.agent.consent.LedgerUpkeep;
import org.affectgate.agent.consent.OutboxErasure;
import org.affectgate.agent.egress.EgressGate;
import org.affectgate.agent.egress.EgressSchema;
import org.affectgate.sync.export.LineProtocolFileSink;
import org.affectgate.sync.influx.InfluxSink;
import org.affectgate.sync.loop.SyncLoop;
import org.affectgate.sync.outbox.Outbox;
import org.affectgate.sync.outbox.SqliteOutbox;
import org.affectgate.sync.sink.PointSink;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The agent's stores and consent: the consent ledger and its gates, the outbox, the sink and the
 * sync loop, and the egress gate every pipeline enqueues through (only the sync loop and erasure
 * see the outbox itself).
 *
 * @param egress the outbox as the pipelines see it: only the allowed schemas, k-anonymous
 */
record Stores(
    ConsentStore consentStore,
    ConsentGate gate,
    KioskConsent kioskConsent,
    SyncLoop syncLoop,
    Outbox egress,
    OutboxErasure erasure,
    CloudDeletions cloudDeletions) {
  /** The agent's assemblers log as the agent, as they did when they were one class. */
  private static final Logger LOG = LoggerFactory.getLogger(Agent.class);

  /**
   * Opens the SQLite stores on the calling thread (never an event loop) and pushes, in this order,
   * the consent store, the ledger upkeep, the outbox, the sink and the sync loop on the close
   * stack.
   *
   * @throws UncheckedIOException when a store or the export directory cannot be opened
   */
  static Stores open(Wiring w) {
    AgentConfig config = w.config();
    ConsentStore consentStore = w.closeLater(ConsentStore.open(config.consent()));
    // Held withdrawals reach the ledger as soon as a full disk has room; the reserve comes back.
    w.closeLater(LedgerUpkeep.start(consentStore, Duration.ofSeconds(1), w.registry()));
    ConsentGate gate = new ConsentGate(consentStore, w.registry(), w.clock());
    gate.refresh();
    KioskConsent kioskConsent = new KioskConsent(consentStore, w.clock(), w.registry());

    SqliteOutbox outbox = w.closeLater(SqliteOutbox.open(config.outbox(), w.clock(), w.registry()));
    PointSink sink = w.closeLater(openSink(w));
    SyncLoop syncLoop =
        w.closeLater(SyncLoop.create(outbox, outbox, sink, config.sync(), w.clock(), w.registry()));
    boolean perSubject = config.subjectSync().enabled();
    Outbox egress =
        new EgressGate(
            outbox,
            perSubject
                ? List.of(
                    EgressSchema.HRV_WINDOW,
                    EgressSchema.HRV_STRESS_WINDOW,
                    EgressSchema.FACE_EXPRESSION_WINDOW,
                    EgressSchema.VOICE_WINDOW,
                    EgressSchema.STAFF_ESCALATION_DAY,
                    EgressSchema.HRV_SUBJECT_WINDOW)
                : List.of(
                    EgressSchema.HRV_WINDOW,
                    EgressSchema.HRV_STRESS_WINDOW,
                    EgressSchema.FACE_EXPRESSION_WINDOW,
                    EgressSchema.VOICE_WINDOW,
                    EgressSchema.STAFF_ESCALATION_DAY),
            config.aggregation().k(),
            w.registry(),
            gate::syncOptedIn);
    OutboxErasure erasure =
        new OutboxErasure(
            outbox,
            config.aggregation().k(),
            Set.of(EgressSchema.HRV_SUBJECT_WINDOW.measurement()),
            w.registry());
    CloudDeletions cloudDeletions =
        new CloudDeletions(
            consentStore,
            outbox,
            erasure,
            EgressSchema.HRV_SUBJECT_WINDOW.measurement(),
            EgressSchema.HRV_SUBJECT_WINDOW.subjectTag(),
            w.registry(),
            syncLoop::requestPass,
            gate::stopSync);
    if (perSubject) {
      LOG.info(
          "per-subject sync on: opted-in subjects' hrv_subject_window points are synced; cloud"
              + " deletion on withdrawal via {}",
          config.influx().map(i -> "sync.deleteMode " + i.deleteMode().key()).orElse("none"));
      if (config.influx().isEmpty()) {
        LOG.warn(
            "sync.perSubject.enabled with line-protocol export: exported files cannot be recalled;"
                + " withdrawals are recorded as unsupported deletions (see CONSENT.md)");
      }
    }
    return new Stores(consentStore, gate, kioskConsent, syncLoop, egress, erasure, cloudDeletions);
  }

  private static PointSink openSink(Wiring w) {
    AgentConfig config = w.config();
    if (config.influx().isPresent()) {
      return InfluxSink.create(config.influx().get(), w.clock());
    }
    try {
      return LineProtocolFileSink.open(config.export(), w.clock(), w.registry());
    } catch (IOException e) {
      throw new UncheckedIOException(
          "cannot open the export directory " + config.export().directory(), e);
    }
  }
}
