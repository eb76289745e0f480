package org.affectgate.agent.operator;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.vertx.core.json.JsonObject;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * No personal data on the operator page, its JSON or {@code /metrics}: after a run with six
 * consented wearables, a stranger and a kiosk session, none of their participant ids, pseudonyms,
 * device ids or the session id appears in anything those routes serve, while the counts do.
 */
class OperatorPagePrivacyTest {
  @TempDir Path dir;

  @Test
  void afterRunWithConsents_pageJsonAndMetrics_carryCountsButNoPersonalIds() throws Exception {
    try (OperatorAgent agent = new OperatorAgent(dir)) {
      agent.grantKioskSession();
      for (int i = 0; i < 3; i++) {
        agent.publishRound();
      }
      await()
          .atMost(Duration.ofSeconds(15))
          .pollInterval(Duration.ofMillis(200))
          .untilAsserted(
              () -> {
                JsonObject s = new JsonObject(agent.get("/operator/state.json"));
                JsonObject perPurpose = s.getJsonObject("consents").getJsonObject("perPurpose");
                assertThat(perPurpose.getInteger("wellness-hr")).isEqualTo(6);
                assertThat(perPurpose.getInteger("kiosk-voice")).isEqualTo(1);
                assertThat(s.getJsonObject("consents").getInteger("kiosksWithSession"))
                    .isEqualTo(1);
                assertThat(s.getJsonObject("rejections").getLong("NO_CONSENT"))
                    .isGreaterThanOrEqualTo(3);
                assertThat(s.getJsonObject("counters").getLong("wearableReceived"))
                    .isGreaterThanOrEqualTo(18);
              });

      for (String route :
          List.of(
              "/", "/operator/app.js", "/operator/style.css", "/operator/state.json", "/metrics")) {
        String body = agent.get(route);
        for (String id : agent.personalIds()) {
          assertThat(body).as("%s must not contain %s", route, id).doesNotContain(id);
        }
        assertThat(body).as(route).doesNotContain(OperatorAgent.KIOSK);
      }
    }
  }

  @Test
  void scrub_pseudonymInSyncError_isReplaced_andLongMessageCut() {
    String pseudonym = "0123456789abcdef0123456789abcdef";
    assertThat(OperatorView.scrub("bad line hrv_subject,subject=" + pseudonym + " x=1"))
        .isEqualTo("bad line hrv_subject,subject=[id] x=1");
    assertThat(OperatorView.scrub("x".repeat(1000))).hasSize(OperatorView.MAX_ERROR_CHARS + 1);
  }

  @Test
  void escalations_countReadFromStatusSection_orNullWithoutOne() {
    assertThat(OperatorView.escalations(null)).isNull();
    assertThat(OperatorView.escalations(3)).isEqualTo(3);
    assertThat(OperatorView.escalations(new JsonObject().put("open", 2))).isEqualTo(2);
    assertThat(OperatorView.escalations(java.util.Map.of("open", 4))).isEqualTo(4);
    // the staff escalation path's own section: open is the list of open escalations
    assertThat(
            OperatorView.escalations(
                java.util.Map.of(
                    "enabled", true, "open", java.util.List.of(java.util.Map.of("id", "a")))))
        .isEqualTo(1);
    assertThat(
            OperatorView.escalations(
                new JsonObject().put("open", new io.vertx.core.json.JsonArray().add(1).add(2))))
        .isEqualTo(2);
  }
}
