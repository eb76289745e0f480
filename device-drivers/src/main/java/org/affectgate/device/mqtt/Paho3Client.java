package org.affectgate.device.mqtt;

import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.function.Consumer;
import org.eclipse.paho.client.mqttv3.IMqttActionListener;
import org.eclipse.paho.client.mqttv3.IMqttDeliveryToken;
import org.eclipse.paho.client.mqttv3.IMqttToken;
import org.eclipse.paho.client.mqttv3.MqttAsyncClient;
import org.eclipse.paho.client.mqttv3.MqttCallback;
import org.eclipse.paho.client.mqttv3.MqttClientPersistence;
import org.eclipse.paho.client.mqttv3.MqttConnectOptions;
import org.eclipse.paho.client.mqttv3.MqttException;
import org.eclipse.paho.client.mqttv3.MqttMessage;
import org.eclipse.paho.client.mqttv3.ScheduledExecutorPingSender;
import org.eclipse.paho.client.mqttv3.persist.MemoryPersistence;
import org.eclipse.paho.client.mqttv3.persist.MqttDefaultFilePersistence;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@link PahoClient} over Paho {@code mqttv3} (MQTT 3.1.1), for brokers without MQTT 5 (the demo's
 * embedded Moquette). The protocol cannot tell the broker a maximum packet size, so here an
 * oversized publish is read into memory in full; only the broker's own limit ({@code
 * max_packet_size} in {@code deploy/mosquitto/affectgate.conf}) keeps it out. Client state is kept
 * in {@code mqtt.persistenceDir} itself (where earlier versions kept it).
 */
final class Paho3Client implements PahoClient {
  private static final Logger log = LoggerFactory.getLogger(Paho3Client.class);

  static final int MAX_INFLIGHT = 100;

  private final MqttConfig config;
  private final GuardedExecutor executor;
  private final MqttAsyncClient client;
  private final MqttConnectOptions options;

  /**
   * @throws IllegalArgumentException when Paho rejects the URI or client id, the persistence
   *     directory cannot be created or the password file cannot be read
   */
  Paho3Client(Settings settings, Events events) {
    this.config = settings.config();
    this.executor = new GuardedExecutor("mqtt3-" + config.clientId(), events::fatal);
    this.options = options(settings);
    try {
      this.client =
          new MqttAsyncClient(
              config.uri(),
              config.clientId(),
              persistence(settings.persistenceDir(null)),
              new ScheduledExecutorPingSender(executor),
              executor);
    } catch (MqttException | IllegalArgumentException e) {
      executor.shutdownNow();
      throw new IllegalArgumentException("mqtt.uri/mqtt.clientId rejected by Paho: " + e, e);
    }
    client.setCallback(
        new MqttCallback() {
          @Override
          public void connectionLost(Throwable cause) {
            events.connectionLost(cause);
          }

          @Override
          public void messageArrived(String topic, MqttMessage message) {
            events.messageArrived(topic, message.getPayload(), message.isRetained());
          }

          @Override
          public void deliveryComplete(IMqttDeliveryToken token) {}
        });
  }

  private static MqttClientPersistence persistence(Path dir) {
    return dir == null ? new MemoryPersistence() : new MqttDefaultFilePersistence(dir.toString());
  }

  private static MqttConnectOptions options(Settings settings) {
    MqttConfig config = settings.config();
    MqttConnectOptions o = new MqttConnectOptions();
    o.setMqttVersion(MqttConnectOptions.MQTT_VERSION_3_1_1);
    o.setCleanSession(config.cleanSession());
    o.setAutomaticReconnect(false);
    o.setKeepAliveInterval(KEEP_ALIVE_SECONDS);
    o.setConnectionTimeout(CONNECT_TIMEOUT_SECONDS);
    o.setMaxInflight(MAX_INFLIGHT);
    if (config.username() != null) {
      o.setUserName(config.username());
    }
    char[] password = settings.password();
    if (password != null) {
      o.setPassword(password);
    }
    if (settings.socketFactory() != null) {
      o.setSocketFactory(settings.socketFactory());
    }
    // The broker's certificate must name the host of mqtt.uri (Paho's default, stated here).
    o.setHttpsHostnameVerificationEnabled(true);
    return o;
  }

  @Override
  public String protocol() {
    return MqttConfig.Protocol.MQTT_3_1_1.key();
  }

  @Override
  public void connect(Runnable onSuccess, Consumer<Throwable> onFailure) {
    try {
      client.connect(
          options,
          null,
          new IMqttActionListener() {
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
    String[] topics = filters.toArray(String[]::new);
    int[] qos = new int[topics.length];
    Arrays.fill(qos, SUBSCRIBE_QOS);
    try {
      client.subscribe(
          topics,
          qos,
          null,
          new IMqttActionListener() {
            @Override
            public void onSuccess(IMqttToken token) {
              SubackOutcomes.answered(log, filters, token.getGrantedQos(), done);
            }

            @Override
            public void onFailure(IMqttToken token, Throwable e) {
              SubackOutcomes.failed(
                  log, filters, token == null ? null : token.getGrantedQos(), e, done);
            }
          });
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
