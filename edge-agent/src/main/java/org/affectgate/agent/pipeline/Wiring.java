package org.affectgate.agent.pipeline;

import io.micrometer.core.instrument.MeterRegistry;
import java.time.InstantSource;
import java.util.Deque;
import org.affectgate.agent.config.AgentConfig;
import org.affectgate.agent.models.ModelSwaps;
import org.affectgate.common.time.ExecutorScheduler;
import org.affectgate.common.time.Scheduler;

/**
 * What every assembler of the {@link Agent} needs: the validated config, the injected clock and
 * registry, and the agent's close stack. Used on the start-up thread only.
 *
 * @param toClose the agent's close stack: what is pushed later is closed earlier (see {@link
 *     Agent#close})
 * @param timers runs the agent's logic timers (window ticks, housekeeping), each only handing work
 *     on to an event loop or worker: the injected {@link Agent.Options#scheduler()} or the agent's
 *     own thread {@code affectgate-timers}
 * @param injectedScheduler the scheduler a test injected, or {@code null} in production
 * @param models hands the stages their models behind hot-swappable holders ({@link ModelSwaps})
 */
record Wiring(
    AgentConfig config,
    InstantSource clock,
    MeterRegistry registry,
    Deque<AutoCloseable> toClose,
    Scheduler timers,
    Scheduler injectedScheduler,
    ModelSwaps models) {

  /**
   * A scheduler for a component that does blocking work on the scheduler's thread (health reports,
   * escalations): the injected one if any, else a new {@link ExecutorScheduler} on thread {@code
   * threadName}, pushed on the close stack now.
   */
  Scheduler schedulerFor(String threadName) {
    return injectedScheduler != null
        ? injectedScheduler
        : closeLater(ExecutorScheduler.singleThread(threadName));
  }

  /** Pushes {@code c} on the close stack (closed before everything pushed earlier); returns it. */
  <T extends AutoCloseable> T closeLater(T c) {
    toClose.push(c);
    return c;
  }
}
