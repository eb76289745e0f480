package org.affectgate.models.calibration;

/**
 * One labelled model output used to fit or measure a calibration.
 *
 * @param group the speaker, participant or person it belongs to (the unit of the split)
 * @param truth true class index
 * @param probabilities raw output probabilities (T = 1), in label order
 */
public record Prediction(String group, int truth, float[] probabilities) {}
