package org.affectgate.agent.pipeline;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Set;
import org.affectgate.agent.consent.OutboxErasure;
import org.affectgate.sync.outbox.OutboxEntry;
import org.junit.jupiter.api.Test;

/**
 * Withdrawal through the real pipeline parts ({@link WithdrawalFixture}): processing stops,
 * in-memory state is purged, and the outbox is scanned. Latencies are figures of {@link
 * WithdrawalLatencyBenchmark}, not asserted here.
 */
class WithdrawalTest extends WithdrawalFixture {

  @Test
  void withdrawal_stopsProcessingPurgesStateKeepsKAggregates() throws Exception {
    feedEveryone(1);
    await().atMost(Duration.ofSeconds(5)).until(() -> subjectsHeld() == SUBJECTS);
    List<OutboxEntry> backlog = enqueueAggregates();
    assertThat(backlog).isNotEmpty();
    assertThat(reports).as("window ticks without a withdrawal purge and report nothing").isEmpty();

    for (int i = 1; i <= SUBJECTS; i += 2) {
      int before = reports.size();
      String device = "hr-" + i;
      assertThat(cli.revoke("p" + i, Instant.now())).isTrue();
      await().atMost(Duration.ofSeconds(5)).until(() -> gate.admit(SITE, device).isEmpty());
      await().atMost(Duration.ofSeconds(5)).until(() -> reports.size() > before);
    }

    assertThat(reports).allSatisfy(r -> assertThat(r.subjects()).isEqualTo(1));
    assertThat(reports)
        .as("every unsent point is a k-aggregate by site and programme: nothing qualifies")
        .allSatisfy(r -> assertThat(r.outboxScanned()).isEqualTo(backlog.size()))
        .allSatisfy(r -> assertThat(r.outboxDiscarded()).isZero());
    assertThat(outbox.peek(100)).isEqualTo(backlog);
    assertThat(subjectsHeld()).isEqualTo(SUBJECTS / 2);
    double dropsBefore = noConsentDrops();
    feedEveryone(2);
    await().until(() -> noConsentDrops() - dropsBefore == SUBJECTS / 2);
    assertThat(subjectsHeld()).isEqualTo(SUBJECTS / 2);
    assertThat(Agent.CONSENT_REFRESH_MS)
        .as("poll period leaves room for the 1 s budget")
        .isLessThanOrEqualTo(500);
  }

  @Test
  void singlingOutRule_flagsIdentifiersAndSmallGroups_passesKAggregates() {
    Set<String> withdrawn = Set.of("5c88a61ac4dc017a2deb442fe2a4bbca");
    assertThat(
            OutboxErasure.singlingOutReason(
                "hrv_window,programme=prog,site=s1 hr_mean=71.0,subjects=5.0 1000", withdrawn, 5))
        .isEmpty();
    assertThat(
            OutboxErasure.singlingOutReason(
                "hrv_window,programme=prog,site=s1 hr_mean=71.0,subjects=4.0 1000", withdrawn, 5))
        .contains("aggregates 4 subjects, fewer than k=5");
    assertThat(
            OutboxErasure.singlingOutReason(
                "hrv_subject,device=hr-7,site=s1 hr_mean=71.0 1000", withdrawn, 5))
        .contains("identifier tag device");
    assertThat(
            OutboxErasure.singlingOutReason(
                "hrv,cohort=5c88a61ac4dc017a2deb442fe2a4bbca rmssd=40.0 1000", withdrawn, 5))
        .contains("tag cohort is a withdrawn subject");
    assertThat(
            OutboxErasure.singlingOutReason(
                "agent_health,site=s1 uptime_s=10.0 1000", withdrawn, 5))
        .as("points not about subjects stay")
        .isEmpty();
  }
}
