package org.affectgate.agent.voice;

import org.affectgate.features.voice.VoiceEstimate;
import org.affectgate.features.voice.VoiceFeatureSpec;

/**
 * One analysed utterance segment. Holds features and the model's estimate, never audio.
 *
 * @param site site id
 * @param kioskId kiosk id
 * @param startMs capture time of the first frame, epoch ms
 * @param endMs capture time of the end of the last frame, epoch ms
 * @param features the {@value VoiceFeatureSpec#ID} vector of the whole segment
 * @param windows rolling-window vectors inside the segment (may be empty for short segments)
 * @param estimate the model's estimate for {@code features}
 */
public record VoiceSegment(
    String site,
    String kioskId,
    long startMs,
    long endMs,
    float[] features,
    java.util.List<float[]> windows,
    VoiceEstimate estimate) {}
