package org.affectgate.agent.operator;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.nio.file.Path;
import java.time.Duration;
import org.affectgate.agent.browser.HeadlessChromium;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The operator page in headless Chromium (Debian's, through chromedriver): it renders the agent's
 * state, its traffic counter moves when the test publishes wearable data through real Mosquitto,
 * the rejection table shows the stranger's frames, and a screenshot is kept at {@code
 * target/operator-page/operator-page.png}. Prints the screenshot path and how long the browser part
 * took.
 */
class OperatorPageBrowserTest {
  private static final Logger LOG = LoggerFactory.getLogger(OperatorPageBrowserTest.class);

  static final Path SCREENSHOT = Path.of("target", "operator-page", "operator-page.png");

  @TempDir Path dir;

  @Test
  void operatorPage_inChromium_showsLiveValuesThatMoveWithPublishedData() throws Exception {
    try (OperatorAgent agent = new OperatorAgent(dir)) {
      try (HeadlessChromium browser = HeadlessChromium.start()) {
        browser.open(agent.baseUrl() + "/");
        await()
            .atMost(Duration.ofSeconds(15))
            .pollInterval(Duration.ofMillis(200))
            .untilAsserted(
                () -> {
                  assertThat(browser.text("#health")).isEqualTo("ok");
                  assertThat(browser.text("#site")).isEqualTo(OperatorAgent.SITE);
                  assertThat(browser.text("#mqtt-connected")).isEqualTo("connected");
                });
        long before = number(browser.text("#counter-wearableReceived"));

        agent.grantKioskSession();
        for (int i = 0; i < 3; i++) {
          agent.publishRound();
        }
        await()
            .atMost(Duration.ofSeconds(15))
            .pollInterval(Duration.ofMillis(200))
            .untilAsserted(
                () -> {
                  assertThat(number(browser.text("#counter-wearableReceived")))
                      .isGreaterThanOrEqualTo(before + 18);
                  assertThat(browser.text("#rejections")).contains("NO_CONSENT");
                  assertThat(browser.text("#consents")).contains("wellness-hr 6");
                  assertThat(browser.text("#kiosk-sessions")).isEqualTo("1");
                });
        assertThat(browser.text("#paths")).contains("wearable running");
        assertThat(browser.text("#escalations-open")).isNotBlank();
        String dom = browser.dom();
        for (String id : agent.personalIds()) {
          assertThat(dom).as("rendered page must not contain %s", id).doesNotContain(id);
        }
        Path shot = browser.screenshot(SCREENSHOT);
        assertThat(shot).isNotEmptyFile();
        LOG.info("operator page screenshot: {}", shot);
      }
    }
  }

  private static long number(String text) {
    return text == null || !text.matches("\\d+") ? -1 : Long.parseLong(text);
  }
}
