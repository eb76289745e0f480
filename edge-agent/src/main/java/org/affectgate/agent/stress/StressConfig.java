package org.affectgate.agent.stress;

/**
 * Settings of the HRV stress stage. Immutable.
 *
 * <p>Off by default: the stage needs the {@code hrv-stress} model in the manifest (start-up fails
 * with a clear error when it is enabled and the model is missing or built for another feature
 * spec), and the model card rates the model below its accuracy goal, so a deployment opts in.
 *
 * @param enabled whether the wearable path also estimates acute stress per subject and publishes
 *     k-anonymous {@code hrv_stress_window} aggregates ({@code hrv.stress.enabled}, default false);
 *     only in the {@code wellness-programme} and {@code healthcare} contexts
 */
public record StressConfig(boolean enabled) {
  public static final StressConfig DISABLED = new StressConfig(false);
}
