package org.affectgate.device.wearable;

/**
 * Receives every heart-rate sample that passed parsing and duplicate/order checks. The listener is
 * the admission point: the source does nothing else with the sample (it is not stored, logged or
 * forwarded), so a consent gate in the listener may drop it without any trace beyond the source's
 * {@code accepted} counter.
 *
 * <p>Threads: called on the MQTT transport's callback thread, one sample at a time. Must not block;
 * hand work to an executor or Vert.x context. When this returns, the MQTT message is acknowledged
 * (see {@code PahoMqttTransport}). An exception is caught, counted in {@code
 * affectgate.ingest.listener.errors} and logged; the message is still acknowledged.
 */
@FunctionalInterface
public interface WearableListener {
  void onSample(HrSample sample);
}
