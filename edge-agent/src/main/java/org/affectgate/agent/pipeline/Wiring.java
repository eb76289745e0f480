package org.affectgate.agent.pipeline;

import io.micrometer.core.instrument.MeterRegistry;
import java.time.InstantSource;
import java.util.Deque;
import org.affectgate.agent.config.AgentConfig;
import org.affectgate.agent.models.ModelSwaps;

/**
 * What every assembler of the {@link Agent} needs: the validated config, the injected clock and
 * registry, and the agent's close stack. Used on the start-up thread only.
 *
 * @param toClose the agent's close stack: what is pushed later is closed earlier (see {@link
 *     Agent#close})
 * @param models hands the stages their models behind hot-swappable holders ({@link ModelSwaps})
 */
record Wiring(
    AgentConfig config,
    InstantSource clock,
    MeterRegistry registry,
    Deque<AutoCloseable> toClose,
    ModelSwaps models) {

  /** Pushes {@code c} on the close stack (closed before everything pushed earlier); returns it. */
  <T extends AutoCloseable> T closeLater(T c) {
    toClose.push(c);
    return c;
  }
}
