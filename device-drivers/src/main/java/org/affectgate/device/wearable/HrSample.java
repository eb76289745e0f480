package org.affectgate.device.wearable;

import java.util.List;
import java.util.Objects;

/**
 * One heart-rate measurement from a wearable, as decoded from a JSON or BLE (0x2A37) payload.
 *
 * @param site site id taken from the topic ({@code affectgate/v1/{site}/wearable/{deviceId}/...})
 * @param deviceId device id taken from the topic
 * @param seq per-device sequence number, strictly increasing per device (duplicates are QoS 1
 *     redeliveries)
 * @param timestampMs capture time at the wearable or bridge, epoch milliseconds (UTC)
 * @param bpm heart rate in beats per minute as reported by the sensor, 1..299
 * @param rrMs every RR interval carried by the frame, in milliseconds, in arrival order, unfiltered
 *     (artifact rejection happens later, in the HRV stage); may be empty
 * @param contact sensor-contact status
 * @param energyExpendedKj energy expended in kilojoules, or {@code null} when the frame carried
 *     none
 */
public record HrSample(
    String site,
    String deviceId,
    long seq,
    long timestampMs,
    int bpm,
    List<Double> rrMs,
    Contact contact,
    Integer energyExpendedKj) {

  public HrSample {
    Objects.requireNonNull(site, "site");
    Objects.requireNonNull(deviceId, "deviceId");
    Objects.requireNonNull(contact, "contact");
    rrMs = List.copyOf(rrMs);
  }
}
