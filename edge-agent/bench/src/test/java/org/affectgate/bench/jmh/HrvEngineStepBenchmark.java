package org.affectgate.bench.jmh;

import java.util.List;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import org.affectgate.device.wearable.Contact;
import org.affectgate.device.wearable.HrSample;
import org.affectgate.features.hrv.HrvConfig;
import org.affectgate.features.hrv.HrvEvents;
import org.affectgate.features.hrv.HrvWindow;
import org.affectgate.features.hrv.HrvWindowEngine;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OperationsPerInvocation;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/**
 * One step of the HRV window engine ({@link HrvWindowEngine}, as the wearable pipeline drives it):
 * a second of simulated time in which each of {@value #SUBJECTS} wearables delivers one sample (one
 * RR interval, two in a quarter of them), then the windows due by that second are closed. The score
 * is the average time per sample, window closing amortised over the samples, in microseconds of
 * wall time on one thread (JMH {@code AverageTime}): close to CPU time only on an otherwise idle
 * machine. Without aggregation and meters: {@code HrvEngineBenchmark} is the end-to-end figure with
 * {@code WindowAggregator} and the agent's counters, CPU and wall apart.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Fork(1)
@Warmup(iterations = 2, time = 2)
@Measurement(iterations = 3, time = 2)
public class HrvEngineStepBenchmark {
  static final int SUBJECTS = 200;
  private static final long T0 = 1_700_000_000_000L;

  private final String[] ids = new String[SUBJECTS];
  private final String[] sites = new String[SUBJECTS];
  private final String[] devices = new String[SUBJECTS];
  private HrvWindowEngine engine;
  private Random random;
  private long second;

  @Setup
  public void setUp() {
    engine = new HrvWindowEngine(HrvConfig.defaults(), HrvEvents.NONE);
    random = new Random(1);
    for (int i = 0; i < SUBJECTS; i++) {
      ids[i] = "p" + i;
      sites[i] = "site" + (i % 4);
      devices[i] = "d" + i;
    }
    second = 0;
  }

  /** Returns the windows closed, so that their computation is kept. */
  @Benchmark
  @OperationsPerInvocation(SUBJECTS)
  public List<HrvWindow> secondOfSamples() {
    long now = T0 + second * 1000L;
    for (int i = 0; i < SUBJECTS; i++) {
      double rr = 700 + random.nextGaussian() * 40;
      List<Double> rrs = random.nextInt(4) == 0 ? List.of(rr, rr + 10) : List.of(rr);
      engine.onSample(
          ids[i],
          sites[i],
          "prog",
          new HrSample(sites[i], devices[i], second, now, 80, rrs, Contact.DETECTED, null));
    }
    second++;
    return engine.closeWindowsUpTo(now);
  }
}
