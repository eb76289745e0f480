package org.affectgate.agent.models;

import java.util.Map;

/**
 * The versions of the models the agent's stages run at this moment: what the operator page and the
 * {@code gateway_health} point show, so that they follow a hot swap or a rollback ({@link
 * ModelSwaps} is the agent's implementation).
 */
@FunctionalInterface
public interface RunningModels {
  /**
   * Manifest name to version (e.g. {@code voice-emotion} to {@code 2.0.0}) of every active model a
   * stage runs now; shadow candidates are not included. Any thread, in memory only, never blocks
   * (safe on an event loop). Empty when no model-based stage is on.
   *
   * @return an unmodifiable map in stage registration order
   */
  Map<String, String> versions();
}
