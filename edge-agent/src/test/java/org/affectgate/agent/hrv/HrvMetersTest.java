package org.affectgate.agent.hrv;

import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.time.Duration;
import java.time.Instant;
import java.time.InstantSource;
import java.util.Arrays;
import java.util.List;
import org.affectgate.device.wearable.Contact;
import org.affectgate.device.wearable.HrSample;
import org.affectgate.features.hrv.HrvConfig;
import org.affectgate.features.hrv.HrvWindowEngine;
import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;

/**
 * The HRV stage's meters keep the names, tags and values the agent exposed before the engine moved
 * to the features module, and the late-sample warning still names no device.
 */
class HrvMetersTest {
  /** 10 s windows every 5 s, 1 s lateness, 3 clean beats suffice. */
  private static final HrvConfig SMALL =
      new HrvConfig(
          Duration.ofSeconds(10), Duration.ofSeconds(5), 300, 2000, 0.2, 3, Duration.ofSeconds(1));

  private final SimpleMeterRegistry registry = new SimpleMeterRegistry();
  private final HrvWindowEngine engine =
      HrvMeters.engine(SMALL, registry, InstantSource.fixed(Instant.EPOCH));
  private long seq;

  private HrSample sample(long timestampMs, Contact contact, double... rrs) {
    List<Double> list = Arrays.stream(rrs).boxed().toList();
    return new HrSample("site1", "dev-7", seq++, timestampMs, 75, list, contact, null);
  }

  private double count(String name) {
    return registry.get(name).counter().count();
  }

  private double tagged(String name, String tag, String value) {
    return registry.get(name).tag(tag, value).counter().count();
  }

  @Test
  void newEngine_everyMeterRegisteredAtZero() {
    for (String name :
        List.of("affectgate.hrv.late", "affectgate.hrv.evicted", "affectgate.hrv.overflow")) {
      assertThat(count(name)).as(name).isZero();
    }
    for (String reason : List.of("few_clean_beats", "no_successive_pairs")) {
      assertThat(tagged("affectgate.hrv.skipped", "reason", reason)).isZero();
    }
    for (String rule : List.of("range", "successive", "contact")) {
      assertThat(tagged("affectgate.hrv.artifacts", "rule", rule)).isZero();
    }
    assertThat(registry.get("affectgate.hrv.subjects").gauge().value()).isZero();
    assertThat(registry.get("affectgate.hrv.artifacts").counter().getId().getDescription())
        .isEqualTo("RR intervals rejected as artifacts");
  }

  @Test
  void engineEvents_countedUnderTheirMeters() {
    // p1: range (100), contact (3 beats), then enough clean beats for nothing: 2 clean < 3
    engine.onSample("p1", "site1", "prog", sample(9000, Contact.DETECTED, 800, 100, 800));
    engine.onSample("p1", "site1", "prog", sample(9500, Contact.NOT_DETECTED, 800, 800, 800));
    // p2: a flood of nonsense RRs overflows the buffer
    double[] tiny = new double[1000];
    Arrays.fill(tiny, 1.0);
    engine.onSample("p2", "site1", "prog", sample(5000, Contact.DETECTED, tiny));
    assertThat(registry.get("affectgate.hrv.subjects").gauge().value()).isEqualTo(2);

    engine.closeWindowsUpTo(11_000);
    assertThat(engine.onSample("p1", "site1", "prog", sample(9_999, Contact.DETECTED, 800)))
        .isFalse();
    engine.closeWindowsUpTo(60_000);

    int cap = (int) Math.ceil(2.0 * 11_000 / 300) + 16;
    assertThat(tagged("affectgate.hrv.artifacts", "rule", "range")).isEqualTo(1 + 1000);
    assertThat(tagged("affectgate.hrv.artifacts", "rule", "contact")).isEqualTo(3);
    assertThat(count("affectgate.hrv.overflow")).isEqualTo(1000 - cap);
    assertThat(tagged("affectgate.hrv.skipped", "reason", "few_clean_beats")).isPositive();
    assertThat(count("affectgate.hrv.late")).isEqualTo(1);
    assertThat(count("affectgate.hrv.evicted")).isEqualTo(2);
    assertThat(registry.get("affectgate.hrv.subjects").gauge().value()).isZero();
  }

  @Test
  void lateSample_logLine_doesNotNameTheDevice() {
    engine.onSample("p1", "site1", "prog", sample(9000, Contact.DETECTED, 800, 810, 790, 820));
    engine.closeWindowsUpTo(30_000);
    Logger logger = (Logger) LoggerFactory.getLogger(HrvWindowEngine.class);
    ListAppender<ILoggingEvent> logs = new ListAppender<>();
    logs.start();
    logger.addAppender(logs);
    try {
      assertThat(engine.onSample("p1", "site1", "prog", sample(12_000, Contact.DETECTED, 800)))
          .isFalse();
    } finally {
      logger.detachAppender(logs);
    }
    assertThat(logs.list).isNotEmpty();
    assertThat(logs.list)
        .allSatisfy(e -> assertThat(e.getFormattedMessage()).doesNotContain("dev-7"));
  }
}
