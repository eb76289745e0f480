package org.affectgate.features.stress;

/**
 * One subject's model input for one 180 s window.
 *
 * @param subjectId pseudonymous participant id (never leaves the device)
 * @param site site of the subject's binding
 * @param programme programme of the subject's binding
 * @param windowEndMs window end, epoch ms
 * @param features the {@code hrv-time180-run10-v1} vector (4 values, baseline-relative)
 * @param owner the per-subject state that produced it; a result whose owner is no longer held (the
 *     subject was purged while inference ran) is discarded
 */
public record StressInput(
    String subjectId,
    String site,
    String programme,
    long windowEndMs,
    float[] features,
    Object owner) {}
