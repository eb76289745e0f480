package org.affectgate.device.mqtt;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.function.Consumer;
import org.eclipse.paho.mqttv5.client.IMqttToken;
import org.eclipse.paho.mqttv5.client.MqttActionListener;
import org.eclipse.paho.mqttv5.client.MqttAsyncClient;
import org.eclipse.paho.mqttv5.client.MqttCallback;
import org.eclipse.paho.mqttv5.client.MqttClientPersistence;
import org.eclipse.paho.mqttv5.client.MqttConnectionOptions;
import org.eclipse.paho.mqttv5.client.MqttDisconnectResponse;
import org.eclipse.paho.mqttv5.client.TimerPingSender;
import org.eclipse.paho.mqttv5.client.persist.MemoryPersistence;
import org.eclipse.paho.mqttv5.client.persist.MqttDefaultFilePersistence;
import org.eclipse.paho.mqttv5.common.MqttException;
import org.eclipse.paho.mqttv5.common.MqttMessage;
import org.eclipse.paho.mqttv5.common.MqttSubscription;
import org.eclipse.paho.mqttv5.common.packet.MqttProperties;
import org.eclipse.paho.mqttv5.common.packet.MqttReturnCode;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@link PahoClient} over Paho {@code mqttv5} (MQTT 5), the default.
 *
 * <p>Why MQTT 5: its CONNECT carries the client's Maximum Packet Size, and a broker must not send a
 * larger packet (MQTT 5 §3.1.2.11.4; Mosquitto drops it, QoS 1 included). With {@link
 * Settings#maximumPacketSize()} derived from the largest payload cap the agent accepts, an
 * oversized publish is dropped by the broker and never reaches this process, so it can neither
 * exhaust the heap nor be redelivered forever. (Paho 1.2.5 does also check the size of what it
 * receives, but only after allocating the packet's array: a broker that ignored the limit could
 * still exhaust the heap, which {@link GuardedExecutor} turns into a client restart.)
 *
 * <p>Why Paho's {@code mqttv5} client: it is the same project, release line (1.2.5) and threading
 * model as the {@code mqttv3} client the agent already used for 3.1.1, so both protocols share one
 * adapter shape ({@link PahoClient}), one executor guard and one reconnect loop, with no new
 * runtime (the HiveMQ client would bring Netty and RxJava to a 128 MB process).
 *
 * <p>Session: {@code cleanSession=false} maps to Clean Start 0 with a Session Expiry Interval that
 * never ends (the 3.1.1 persistent session); {@code true} to Clean Start 1 and expiry 0. Receive
 * Maximum {@value #RECEIVE_MAXIMUM} bounds the unacknowledged QoS 1 messages the broker has in
 * flight to the agent (the rest wait in the broker's queue). Client state is kept in {@code
 * mqtt.persistenceDir}/{@value #PERSISTENCE_SUBDIR}.
 */
final class Paho5Client implements PahoClient {
  private static final Logger log = LoggerFactory.getLogger(Paho5Client.class);

  static final int RECEIVE_MAXIMUM = 100;
  static final String PERSISTENCE_SUBDIR = "v5";

  /** Session Expiry Interval meaning "never" (MQTT 5 §3.1.2.11.2). */
  static final long SESSION_NEVER_EXPIRES = 0xFFFF_FFFFL;

  private final MqttConfig config;
  private final GuardedExecutor executor;
  private final MqttAsyncClient client;
  private final MqttConnectionOptions options;

  /**
   * @throws IllegalArgumentException when Paho rejects the URI or client id, the persistence
   *     directory cannot be created or the password file cannot be read
   */
  Paho5Client(Settings settings, Events events) {
    this.config = settings.config();
    this.executor = new GuardedExecutor("mqtt5-" + config.clientId(), events::fatal);
    this.options = options(settings);
    try {
      this.client =
          new MqttAsyncClient(
              config.uri(),
              config.clientId(),
              persistence(settings.persistenceDir(PERSISTENCE_SUBDIR)),
              new TimerPingSender(executor),
              executor);
    } catch (MqttException | IllegalArgumentException e) {
      executor.shutdownNow();
      throw new IllegalArgumentException("mqtt.uri/mqtt.clientId rejected by Paho: " + e, e);
    }
    client.setCallback(
        new MqttCallback() {
          @Override
          public void disconnected(MqttDisconnectResponse response) {
            events.connectionLost(
                response.getException() != null
                    ? response.getException()
                    : new MqttException(response.getReturnCode()));
          }

          @Override
          public void mqttErrorOccurred(MqttException e) {
            log.warn("MQTT protocol error from {}: {}", config.uri(), e.toString());
          }

          @Override
          public void messageArrived(String topic, MqttMessage message) {
            events.messageArrived(topic, message.getPayload(), message.isRetained());
          }

          @Override
          public void deliveryComplete(IMqttToken token) {}

          @Override
          public void connectComplete(boolean reconnect, String serverUri) {}

          @Override
          public void authPacketArrived(int reasonCode, MqttProperties properties) {}
        });
  }

  private static MqttClientPersistence persistence(Path dir) {
    return dir == null ? new MemoryPersistence() : new MqttDefaultFilePersistence(dir.toString());
  }

  private static MqttConnectionOptions options(Settings settings) {
    MqttConfig config = settings.config();
    MqttConnectionOptions o = new MqttConnectionOptions();
    o.setCleanStart(config.cleanSession());
    o.setSessionExpiryInterval(config.cleanSession() ? 0L : SESSION_NEVER_EXPIRES);
    o.setAutomaticReconnect(false);
    o.setKeepAliveInterval(KEEP_ALIVE_SECONDS);
    o.setConnectionTimeout(CONNECT_TIMEOUT_SECONDS);
    o.setReceiveMaximum(RECEIVE_MAXIMUM);
    o.setMaximumPacketSize(settings.maximumPacketSize());
    if (config.username() != null) {
      o.setUserName(config.username());
    }
    char[] password = settings.password();
    if (password != null) {
      o.setPassword(new String(password).getBytes(StandardCharsets.UTF_8));
    }
    if (settings.socketFactory() != null) {
      o.setSocketFactory(settings.socketFactory());
    }
    // The broker's certificate must name the host of mqtt.uri (Paho's default, stated here).
    o.setHttpsHostnameVerificationEnabled(true);
    return o;
  }

  /**
   * Whether a failed connect means "this broker does not speak MQTT 5": a CONNACK with reason code
   * 0x84 (Unsupported Protocol Version), or a 3.1.1 broker's CONNACK refusing version 5 (return
   * code 1, which is no valid MQTT 5 reason code and so fails to decode). A connection refused,
   * timed out or lost is not.
   */
  static boolean isProtocolRefusal(Throwable e) {
    for (Throwable t = e; t != null; t = t.getCause() == t ? null : t.getCause()) {
      if (t instanceof MqttException m
          && (m.getReasonCode() == MqttReturnCode.RETURN_CODE_UNSUPPORTED_PROTOCOL_VERSION
              || m.getReasonCode() == MqttException.REASON_CODE_INVALID_RETURN_CODE
              || m.getReasonCode() == MqttException.REASON_CODE_UNSUPPORTED_PROTOCOL_VERSION)) {
        return true;
      }
    }
    return false;
  }

  @Override
  public String protocol() {
    return MqttConfig.Protocol.MQTT_5.key();
  }

  @Override
  public void connect(Runnable onSuccess, Consumer<Throwable> onFailure) {
    try {
      client.connect(
          options,
          null,
          new MqttActionListener() {
            @Override
            public void onSuccess(IMqttToken token) {
              onSuccess.run();
            }

            @Override
            public void onFailure(IMqttToken token, Throwable e) {
              onFailure.accept(e);
            }
          });
    } catch (MqttException e) {
      onFailure.accept(e);
    }
  }

  @Override
  public void subscribe(List<String> filters, Consumer<SubscribeOutcome> done) {
    MqttSubscription[] subs =
        filters.stream()
            .map(f -> new MqttSubscription(f, SUBSCRIBE_QOS))
            .toArray(MqttSubscription[]::new);
    try {
      client.subscribe(
          subs,
          null,
          new MqttActionListener() {
            @Override
            public void onSuccess(IMqttToken token) {
              SubackOutcomes.answered(log, filters, token.getReasonCodes(), done);
            }

            @Override
            public void onFailure(IMqttToken token, Throwable e) {
              SubackOutcomes.failed(
                  log, filters, token == null ? null : token.getReasonCodes(), e, done);
            }
          },
          new MqttProperties());
    } catch (MqttException | RuntimeException e) {
      SubackOutcomes.failed(log, filters, null, e, done);
    }
  }

  @Override
  public void publish(String topic, byte[] payload, int qos, boolean retained) {
    if (!client.isConnected()) {
      throw new MqttUnavailableException("not connected to " + config.uri(), null);
    }
    try {
      client.publish(topic, payload, qos, retained);
    } catch (MqttException e) {
      throw new MqttUnavailableException("publish to " + topic + " failed: " + e, e);
    }
  }

  @Override
  public boolean isConnected() {
    return client.isConnected();
  }

  @Override
  public void close(boolean graceful) {
    try {
      if (graceful && client.isConnected()) {
        client.disconnect(DISCONNECT_QUIESCE_MS).waitForCompletion(DISCONNECT_TIMEOUT_MS);
      } else {
        client.disconnectForcibly(0, DISCONNECT_TIMEOUT_MS, false);
      }
    } catch (MqttException | RuntimeException e) {
      log.debug("MQTT disconnect failed: {}", e.toString());
    }
    try {
      client.close(true);
    } catch (MqttException | RuntimeException e) {
      log.debug("MQTT close failed: {}", e.toString());
    }
    executor.shutdownNow();
  }
}
