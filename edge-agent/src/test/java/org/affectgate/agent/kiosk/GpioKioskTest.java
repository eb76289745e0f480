package org.affectgate.agent.kiosk;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.pi4j.Pi4J;
import com.pi4j.context.Context;
import com.pi4j.io.gpio.digital.DigitalState;
import com.pi4j.plugin.mock.platform.MockPlatform;
import com.pi4j.plugin.mock.provider.gpio.digital.MockDigitalInput;
import com.pi4j.plugin.mock.provider.gpio.digital.MockDigitalInputProvider;
import com.pi4j.plugin.mock.provider.gpio.digital.MockDigitalOutputProvider;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.time.InstantSource;
import java.util.List;
import java.util.OptionalInt;
import java.util.Set;
import java.util.concurrent.atomic.AtomicLong;
import org.affectgate.agent.config.KioskGpioConfig;
import org.affectgate.agent.consent.ConsentConfig;
import org.affectgate.agent.consent.ConsentStore;
import org.affectgate.agent.consent.EntryKind;
import org.affectgate.agent.consent.KioskConsent;
import org.affectgate.agent.consent.LedgerEntry;
import org.affectgate.agent.consent.Purposes;
import org.affectgate.device.gpio.ButtonConfig;
import org.affectgate.device.gpio.Pi4jGpio;
import org.affectgate.device.gpio.PresenceConfig;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The GPIO kiosk flow over Pi4J's mock plugin into the real {@link KioskConsent} and ledger, on a
 * fake clock (the tick thread reads it; the test moves it).
 */
class GpioKioskTest {
  @TempDir Path dir;
  private final AtomicLong now = new AtomicLong(1_700_000_000_000L);
  private final InstantSource clock = () -> Instant.ofEpochMilli(now.get());
  private final SimpleMeterRegistry registry = new SimpleMeterRegistry();
  private final Context pi4j =
      Pi4J.newContextBuilder()
          .add(new MockPlatform())
          .add(MockDigitalInputProvider.newInstance(), MockDigitalOutputProvider.newInstance())
          .build();
  private ConsentStore store;
  private KioskConsent consent;
  private GpioKiosk kiosk;
  private MockDigitalInput button;
  private MockDigitalInput pir;

  @BeforeEach
  void start() {
    store = ConsentStore.open(new ConsentConfig(dir.resolve("consent.db")));
    consent = new KioskConsent(store, clock, registry);
    KioskGpioConfig config =
        new KioskGpioConfig(
            "entrance",
            17,
            27,
            KioskGpioConfig.Notice.SCREEN,
            OptionalInt.empty(),
            OptionalInt.empty(),
            Set.of(Purposes.KIOSK_FACE),
            ButtonConfig.defaults(),
            PresenceConfig.defaults());
    kiosk =
        GpioKiosk.start(
            Pi4jGpio.using(pi4j, MockDigitalInputProvider.ID, MockDigitalOutputProvider.ID),
            "s1",
            config,
            Set.of(),
            consent,
            clock,
            registry);
    button = pi4j.io(GpioKiosk.BUTTON_LINE);
    pir = pi4j.io(GpioKiosk.PRESENCE_LINE);
    button.mockState(DigitalState.HIGH);
  }

  @AfterEach
  void stop() {
    kiosk.close();
    store.close();
    pi4j.shutdown();
  }

  private void press() {
    now.addAndGet(100);
    button.mockState(DigitalState.LOW);
    now.addAndGet(100);
    button.mockState(DigitalState.HIGH);
  }

  private double events(String action) {
    return registry.counter("affectgate.kiosk.consent.events", "action", action).count();
  }

  private List<LedgerEntry> entries(EntryKind kind) {
    return store.entries().stream().filter(e -> e.kind() == kind).toList();
  }

  @Test
  void pressWithNobodyPresent_grantsNothing_andIsCounted() {
    press();
    await()
        .atMost(Duration.ofSeconds(5))
        .until(() -> registry.counter("affectgate.gpio.kiosk.gestures_ignored").count() == 1);
    assertThat(events("grant")).isZero();
    assertThat(consent.allows("s1", "entrance", Purposes.KIOSK_FACE)).isFalse();
  }

  @Test
  void twoVisits_eachAFreshSession_grantedByPress_endedWhenThePirHoldPasses() {
    for (int visit = 1; visit <= 2; visit++) {
      pir.mockState(DigitalState.HIGH);
      press();
      int v = visit;
      await().atMost(Duration.ofSeconds(5)).until(() -> events("grant") == v);
      assertThat(consent.allows("s1", "entrance", Purposes.KIOSK_FACE)).isTrue();
      assertThat(consent.allows("s1", "entrance", Purposes.KIOSK_VOICE))
          .as("only gpio.kiosk.grants")
          .isFalse();
      assertThat(kiosk.status()).containsEntry("visitorPresent", true);

      pir.mockState(DigitalState.LOW);
      now.addAndGet(PresenceConfig.DEFAULT_HOLD.toMillis());
      await().atMost(Duration.ofSeconds(5)).until(() -> events("end") == v);
      assertThat(consent.allows("s1", "entrance", Purposes.KIOSK_FACE)).isFalse();
    }
    List<LedgerEntry> grants = entries(EntryKind.GRANT);
    assertThat(grants).hasSize(2);
    assertThat(grants.get(0).subject())
        .as("a new random session id per visit")
        .isNotEqualTo(grants.get(1).subject());
    assertThat(entries(EntryKind.WITHDRAW))
        .extracting(LedgerEntry::subject)
        .containsExactly(grants.get(0).subject(), grants.get(1).subject());
  }

  /**
   * Holds the consent ledger's write lock from another connection, as a slow SQLite write from
   * another consent input would, until closed (shorter than the ledger's 5 s busy timeout, so the
   * queued writes go through once it is released).
   */
  private AutoCloseable holdLedger() throws SQLException {
    Connection lock = DriverManager.getConnection("jdbc:sqlite:" + dir.resolve("consent.db"));
    try (Statement st = lock.createStatement()) {
      st.execute("BEGIN EXCLUSIVE");
    }
    return () -> {
      try (Statement st = lock.createStatement()) {
        st.execute("ROLLBACK");
      }
      lock.close();
    };
  }

  /**
   * A long press, or the visitor leaving, while the ledger is busy stops the kiosk being admitted
   * and purges it at once; the withdrawal or end is recorded once the ledger is free.
   */
  @ParameterizedTest
  @ValueSource(strings = {"withdraw", "end"})
  void stopWhileTheLedgerIsBusy_stopsAndPurgesAtOnce_recordedWhenTheLedgerFrees(String action)
      throws Exception {
    List<String> purged = new java.util.concurrent.CopyOnWriteArrayList<>();
    consent.addEndListener((site, kioskId, purposes) -> purged.addAll(purposes));
    pir.mockState(DigitalState.HIGH);
    press();
    await().atMost(Duration.ofSeconds(5)).until(() -> events("grant") == 1);
    assertThat(consent.allows("s1", "entrance", Purposes.KIOSK_FACE)).isTrue();

    try (AutoCloseable ledgerBusy = holdLedger()) {
      if (action.equals("withdraw")) {
        now.addAndGet(100);
        button.mockState(DigitalState.LOW);
        now.addAndGet(ButtonConfig.DEFAULT_LONG_PRESS.toMillis() + 100);
        button.mockState(DigitalState.HIGH);
      } else {
        pir.mockState(DigitalState.LOW);
        now.addAndGet(PresenceConfig.DEFAULT_HOLD.toMillis());
      }
      await()
          .atMost(Duration.ofSeconds(5))
          .until(() -> !consent.allows("s1", "entrance", Purposes.KIOSK_FACE));
      assertThat(purged).as("purged while the ledger is busy").containsExactly(Purposes.KIOSK_FACE);
      assertThat(events(action)).as("the ledger is still busy").isZero();
    }
    await().atMost(Duration.ofSeconds(5)).until(() -> events(action) == 1);
    assertThat(entries(EntryKind.WITHDRAW)).hasSize(1);
    assertThat(consent.allows("s1", "entrance", Purposes.KIOSK_FACE)).isFalse();
    assertThat(purged).as("purged once").hasSize(1);
  }

  @Test
  void ledgerFails_failureCounted_gpioKeepsReacting() {
    pir.mockState(DigitalState.HIGH);
    store.close();
    press();
    await()
        .atMost(Duration.ofSeconds(5))
        .until(
            () ->
                registry
                        .counter("affectgate.gpio.kiosk.consent.failures", "cause", "ledger")
                        .count()
                    == 1);
    assertThat(consent.allows("s1", "entrance", Purposes.KIOSK_FACE))
        .as("a grant that was not recorded changes nothing")
        .isFalse();

    now.addAndGet(100);
    button.mockState(DigitalState.LOW);
    now.addAndGet(ButtonConfig.DEFAULT_LONG_PRESS.toMillis() + 100);
    button.mockState(DigitalState.HIGH);
    press();
    await()
        .atMost(Duration.ofSeconds(5))
        .until(
            () ->
                registry
                        .counter("affectgate.gpio.kiosk.consent.failures", "cause", "ledger")
                        .count()
                    == 3); // the long press's withdrawal and the second press's grant
  }
}
