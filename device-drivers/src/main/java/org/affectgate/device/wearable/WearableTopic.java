package org.affectgate.device.wearable;

/**
 * The parts of a parsed wearable topic.
 *
 * @param site site id, matches {@link WearableTopics#ID_PATTERN}
 * @param deviceId device id, matches {@link WearableTopics#ID_PATTERN}
 * @param format payload format implied by the topic suffix
 */
public record WearableTopic(String site, String deviceId, PayloadFormat format) {}
