package org.affectgate.agent.stress;

/**
 * Settings of the HRV stress stage. Immutable.
 *
 * <p>Off by default: the stage needs the {@code hrv-stress} model in the manifest (start-up fails
 * with a clear error when it is enabled and the model is missing or built for another feature
 * spec), and the model card rates it a group-level signal only (nested leave-one-participant-out: a
 * quarter of people at chance; calibrated for the population, not per person), so a deployment opts
 * in for group trends.
 *
 * @param enabled whether the wearable path also estimates acute stress per subject and publishes
 *     k-anonymous {@code hrv_stress_window} aggregates ({@code hrv.stress.enabled}, default false);
 *     only in the {@code wellness-programme} and {@code healthcare} contexts
 */
public record StressConfig(boolean enabled) {
  public static final StressConfig DISABLED = new StressConfig(false);
}
