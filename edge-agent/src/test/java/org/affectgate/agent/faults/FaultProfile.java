package org.affectgate.agent.faults;

import java.time.Duration;

/**
 * How big the fault suite runs. The CI size runs inside {@code mvn verify} (about three minutes on
 * an idle 2-core machine once every case passes; a failing case waits out its recovery bound); the
 * long size is selected with {@code -Daffectgate.faults=long}, as {@code deploy/dev/fault-suite.sh
 * --long} does.
 *
 * @param name {@code ci} or {@code long}
 * @param crashCycles {@code kill -9} cycles of the crash-consistency case
 * @param crashUptimeMaxMs longest run between a restart and the next kill, in milliseconds
 * @param brokerFlaps Mosquitto stop/start cycles of the broker-flap case
 * @param outageJitter whether the outage case uses the sync loop's real (seeded) backoff jitter and
 *     the production backoff cap; false pins the jitter so the 24 h take few passes
 * @param floodMessages malformed messages in the memory case's flood
 */
record FaultProfile(
    String name,
    int crashCycles,
    long crashUptimeMaxMs,
    int brokerFlaps,
    boolean outageJitter,
    int floodMessages) {

  static final String PROPERTY = "affectgate.faults";
  static final String TAG = "faults";

  static final FaultProfile CI = new FaultProfile("ci", 8, 5_000, 6, false, 10_000);
  static final FaultProfile LONG = new FaultProfile("long", 100, 12_000, 60, true, 10_000);

  /** The profile named by {@value #PROPERTY} ({@code long}), else the CI size. */
  static FaultProfile current() {
    return "long".equalsIgnoreCase(System.getProperty(PROPERTY, "ci")) ? LONG : CI;
  }

  /** The sync loop's largest backoff in the outage case. */
  Duration outageBackoffMax() {
    return outageJitter ? Duration.ofMinutes(5) : Duration.ofMinutes(60);
  }
}
