package org.affectgate.agent.respond;

import io.micrometer.core.instrument.MeterRegistry;
import java.time.Duration;
import java.time.InstantSource;
import java.util.Arrays;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import org.affectgate.common.log.RateLimitedLog;
import org.affectgate.device.mqtt.MqttTransport;
import org.affectgate.device.mqtt.MqttUnavailableException;
import org.slf4j.LoggerFactory;

/**
 * Publishes a kiosk's state messages to {@code {prefix}/{site}/kiosk/{kioskId}/state}, QoS 0, never
 * retained (a stored state would greet the next visitor). Paho's asynchronous client queues the
 * publish and returns; when the broker is unreachable or the client's in-flight window is full the
 * message is dropped and counted in {@code
 * affectgate.respond.publish.failures{cause=unavailable|error}} (a state is stale by the next one;
 * the SSE stream does not depend on the broker).
 *
 * <p>Remembers the digests of its last {@value #REMEMBERED} messages so that {@link
 * ForeignStateGuard} can tell its own messages, which come back through the agent's own
 * subscription, from someone else's. Any thread; never blocks.
 */
final class MqttStatePublisher implements StateSink {
  static final int REMEMBERED = 1024;

  private final MqttTransport transport;
  private final String prefix;
  private final MeterRegistry registry;
  private final RateLimitedLog log;
  private final Set<Digest> recent =
      Collections.synchronizedSet(
          Collections.newSetFromMap(
              new LinkedHashMap<>() {
                @Override
                protected boolean removeEldestEntry(Map.Entry<Digest, Boolean> eldest) {
                  return size() > REMEMBERED;
                }
              }));

  private record Digest(int hash, int length) {
    static Digest of(byte[] payload) {
      return new Digest(Arrays.hashCode(payload), payload.length);
    }
  }

  MqttStatePublisher(
      MqttTransport transport, String prefix, MeterRegistry registry, InstantSource clock) {
    this.transport = transport;
    this.prefix = prefix;
    this.registry = registry;
    this.log =
        new RateLimitedLog(
            LoggerFactory.getLogger(MqttStatePublisher.class), clock, Duration.ofSeconds(10));
  }

  static String topic(String prefix, String site, String kioskId) {
    return prefix + "/" + site + "/kiosk/" + kioskId + "/state";
  }

  @Override
  public void send(String site, String kioskId, String type, byte[] json) {
    recent.add(Digest.of(json));
    try {
      transport.publish(topic(prefix, site, kioskId), json, 0, false);
    } catch (MqttUnavailableException e) {
      failed("unavailable", kioskId, e);
    } catch (RuntimeException e) {
      failed("error", kioskId, e);
    }
  }

  /** Whether {@code payload} is one of the last messages this publisher sent. */
  boolean sentRecently(byte[] payload) {
    return recent.contains(Digest.of(payload));
  }

  private void failed(String cause, String kioskId, RuntimeException e) {
    registry.counter("affectgate.respond.publish.failures", "cause", cause).increment();
    log.warn("kiosk {} state not published ({}): {}", kioskId, cause, e.getMessage());
  }
}
