package org.affectgate.agent.escalation;

import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import com.pi4j.Pi4J;
import com.pi4j.context.Context;
import com.pi4j.io.gpio.digital.DigitalOutput;
import com.pi4j.plugin.mock.platform.MockPlatform;
import com.pi4j.plugin.mock.provider.gpio.digital.MockDigitalInputProvider;
import com.pi4j.plugin.mock.provider.gpio.digital.MockDigitalOutputProvider;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.OptionalInt;
import org.affectgate.agent.egress.EgressGate;
import org.affectgate.agent.egress.EgressSchema;
import org.affectgate.agent.escalation.EscalationSummary.ArousalBand;
import org.affectgate.agent.escalation.EscalationSummary.ValenceBand;
import org.affectgate.common.time.ManualScheduler;
import org.affectgate.device.gpio.GpioException;
import org.affectgate.device.gpio.LevelOutput;
import org.affectgate.device.gpio.Pi4jGpio;
import org.affectgate.device.mqtt.FakeMqttTransport;
import org.affectgate.sync.outbox.OutboxConfig;
import org.affectgate.sync.outbox.SqliteOutbox;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.slf4j.LoggerFactory;

/**
 * The staff pager on Pi4J's mock output provider, and its fail-safe: a line that cannot be claimed
 * or driven is counted and logged once, and the escalation is published all the same.
 */
class StaffPagerTest {
  static final EscalationSummary SUMMARY =
      new EscalationSummary(
          "frustration_episode", ValenceBand.NEGATIVE, ArousalBand.HIGH, Duration.ofSeconds(5));

  @TempDir Path dir;
  final SimpleMeterRegistry registry = new SimpleMeterRegistry();
  final ManualScheduler time = new ManualScheduler();
  final FakeMqttTransport transport = new FakeMqttTransport();
  final Context pi4j =
      Pi4J.newContextBuilder()
          .add(new MockPlatform())
          .add(MockDigitalInputProvider.newInstance(), MockDigitalOutputProvider.newInstance())
          .build();
  final ListAppender<ILoggingEvent> logs = new ListAppender<>();
  SqliteOutbox outbox;
  Escalations escalations;

  @BeforeEach
  void open() {
    transport.start();
    outbox = SqliteOutbox.open(OutboxConfig.defaults(dir.resolve("outbox.db")), time, registry);
    logs.start();
    ((Logger) LoggerFactory.getLogger(StaffPager.class)).addAppender(logs);
  }

  @AfterEach
  void close() {
    ((Logger) LoggerFactory.getLogger(StaffPager.class)).detachAppender(logs);
    if (escalations != null) {
      escalations.close();
    }
    outbox.close();
    pi4j.shutdown();
  }

  Escalations open(StaffPager pager) {
    EscalationConfig config =
        new EscalationConfig(
            true,
            Duration.ofSeconds(600),
            Duration.ofSeconds(60),
            Duration.ofSeconds(300),
            64,
            OptionalInt.of(22),
            dir.resolve("escalations.db"),
            Duration.ofDays(90));
    Escalations e =
        new Escalations(
            "s1",
            "affectgate/v1",
            config,
            5,
            transport,
            EscalationAudit.open(config.auditFile()),
            pager,
            new EgressGate(outbox, List.of(EgressSchema.STAFF_ESCALATION_DAY), 5, registry),
            time,
            time,
            registry);
    StaffMqtt.subscribe(transport, e);
    e.start();
    return e;
  }

  long errorLines() {
    return logs.list.stream().filter(l -> l.getLevel().toString().equals("ERROR")).count();
  }

  double failures() {
    return registry.counter("affectgate.escalation.pager.failures").count();
  }

  @Test
  void pager_highWhileAnyEscalationIsOpen_lowAfterAckAndAfterExpiry() {
    escalations =
        open(
            StaffPager.open(
                () ->
                    Pi4jGpio.using(pi4j, MockDigitalInputProvider.ID, MockDigitalOutputProvider.ID),
                22,
                registry));
    DigitalOutput line = pi4j.io(StaffPager.LINE);
    assertThat(line.isHigh()).isFalse();

    escalations.onEpisode("k1", SUMMARY, Instant.now());
    escalations.onEpisode("k2", SUMMARY, Instant.now());
    time.runDue();
    assertThat(line.isHigh()).isTrue();
    String first =
        new io.vertx.core.json.JsonObject(new String(transport.published().get(0).payload()))
            .getString("id");
    escalations.acknowledge(first, "http");
    time.runDue();
    assertThat(line.isHigh()).as("one is still open").isTrue();
    time.advance(Duration.ofSeconds(300));
    assertThat(line.isHigh()).as("the other expired").isFalse();
    assertThat(failures()).isZero();
  }

  @Test
  void lineThatCannotBeDriven_countedLoggedOnce_escalationStillPublished() {
    LevelOutput broken =
        new LevelOutput() {
          @Override
          public void set(boolean high) {
            throw new GpioException("chip gone", null);
          }

          @Override
          public boolean isHigh() {
            throw new GpioException("chip gone", null);
          }

          @Override
          public void close() {}
        };
    escalations = open(new StaffPager(broken, registry));

    escalations.onEpisode("k1", SUMMARY, Instant.now());
    escalations.onEpisode("k2", SUMMARY, Instant.now());
    time.advance(Duration.ofSeconds(300));

    assertThat(transport.published()).as("2 raised + 2 re-notified").hasSize(4);
    assertThat(failures()).isGreaterThanOrEqualTo(3);
    assertThat(errorLines()).isEqualTo(1);
  }

  @Test
  void lineThatCannotBeClaimed_countedLoggedOnce_escalationStillPublished() {
    escalations =
        open(
            StaffPager.open(
                () -> {
                  throw new GpioException("no gpiochip0", null);
                },
                22,
                registry));

    escalations.onEpisode("k1", SUMMARY, Instant.now());
    time.runDue();

    assertThat(transport.published()).hasSize(1);
    assertThat(failures()).isEqualTo(1);
    assertThat(errorLines()).isEqualTo(1);
  }
}
