package org.affectgate.agent.hrv;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.time.InstantSource;
import java.util.List;
import java.util.Random;
import org.affectgate.agent.aggregate.AggregationConfig;
import org.affectgate.agent.aggregate.WindowAggregator;
import org.affectgate.device.wearable.Contact;
import org.affectgate.device.wearable.HrSample;
import org.affectgate.features.hrv.HrvConfig;
import org.affectgate.features.hrv.HrvWindow;
import org.affectgate.features.hrv.HrvWindowEngine;

/**
 * Prints the cost of the HRV engine plus aggregation and the agent's HRV counters: {@code subjects}
 * wearables, one sample per second each with one or two RRs, closing windows every second of
 * simulated time; three rounds. Per round: the thread's CPU time ({@link ThreadMXBean}) and wall
 * time, each per sample, and samples per wall second. The engine step alone, without aggregation
 * and meters, is the JMH benchmark {@code HrvEngineStepBenchmark}. Not a test; run with {@code
 * deploy/dev/bench.sh hrv-engine [subjects] [minutes]}.
 */
public final class HrvEngineBenchmark {
  private static final ThreadMXBean CPU = ManagementFactory.getThreadMXBean();

  private HrvEngineBenchmark() {}

  public static void main(String[] args) {
    int subjects = args.length > 0 ? Integer.parseInt(args[0]) : 200;
    int minutes = args.length > 1 ? Integer.parseInt(args[1]) : 30;
    for (int round = 0; round < 3; round++) {
      run(subjects, minutes);
    }
  }

  private static void run(int subjects, int minutes) {
    HrvWindowEngine engine =
        HrvMeters.engine(HrvConfig.defaults(), new SimpleMeterRegistry(), InstantSource.system());
    WindowAggregator aggregator =
        new WindowAggregator(AggregationConfig.defaults(), new SimpleMeterRegistry());
    Random random = new Random(1);
    String[] ids = new String[subjects];
    for (int i = 0; i < subjects; i++) {
      ids[i] = "p" + i;
    }
    long t0 = 1_700_000_000_000L;
    long samples = 0;
    long metrics = 0;
    long cpu0 = CPU.getCurrentThreadCpuTime();
    long start = System.nanoTime();
    for (int s = 0; s < minutes * 60; s++) {
      long now = t0 + s * 1000L;
      for (int i = 0; i < subjects; i++) {
        double rr = 700 + random.nextGaussian() * 40;
        List<Double> rrs = random.nextInt(4) == 0 ? List.of(rr, rr + 10) : List.of(rr);
        engine.onSample(
            ids[i],
            "site" + (i % 4),
            "prog",
            new HrSample("site" + (i % 4), "d" + i, s, now, 80, rrs, Contact.DETECTED, null));
        samples++;
      }
      for (HrvWindow w : engine.closeWindowsUpTo(now)) {
        metrics += aggregator.aggregate(w.windowEndMs(), w.features()).emitted().size();
      }
    }
    double seconds = (System.nanoTime() - start) / 1e9;
    double cpu = (CPU.getCurrentThreadCpuTime() - cpu0) / 1e9;
    System.out.printf(
        java.util.Locale.ROOT,
        "subjects=%d simulated=%d min samples=%d metrics=%d: CPU %.2f s (%.2f us/sample),"
            + " wall %.2f s (%.2f us/sample, %.0f samples/s)%n",
        subjects,
        minutes,
        samples,
        metrics,
        cpu,
        cpu * 1e6 / samples,
        seconds,
        seconds * 1e6 / samples,
        samples / seconds);
  }
}
