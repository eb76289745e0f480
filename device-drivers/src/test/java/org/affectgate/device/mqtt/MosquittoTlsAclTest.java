package org.affectgate.device.mqtt;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManager;
import org.affectgate.common.tls.ClientTls;
import org.affectgate.common.tls.PemFiles;
import org.affectgate.device.mqtt.testing.MosquittoServer;
import org.affectgate.device.mqtt.testing.SitePki;
import org.eclipse.paho.mqttv5.client.IMqttToken;
import org.eclipse.paho.mqttv5.client.MqttAsyncClient;
import org.eclipse.paho.mqttv5.client.MqttCallback;
import org.eclipse.paho.mqttv5.client.MqttConnectionOptions;
import org.eclipse.paho.mqttv5.client.MqttDisconnectResponse;
import org.eclipse.paho.mqttv5.client.persist.MemoryPersistence;
import org.eclipse.paho.mqttv5.common.MqttException;
import org.eclipse.paho.mqttv5.common.MqttMessage;
import org.eclipse.paho.mqttv5.common.MqttSubscription;
import org.eclipse.paho.mqttv5.common.packet.MqttProperties;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The shipped secure Mosquitto setup ({@code deploy/mosquitto/affectgate-tls.conf}, {@code
 * acl.conf}, {@code affectgate.conf}) on a real broker, with certificates from the shipped {@code
 * make-certs.sh}: who may connect, and what each identity may publish and read. Denials are
 * observed as MQTT 5 reason codes (0x87 Not authorized) and as messages that never arrive.
 */
class MosquittoTlsAclTest {
  private static final String SITE = "affectgate/v1/s1";
  private static final int NOT_AUTHORIZED = 0x87;

  private static SitePki pki;
  private static MosquittoServer broker;

  @BeforeAll
  static void startBroker() {
    pki = SitePki.generate(List.of("k1", "k2"), List.of("w1", "w2"));
    broker = MosquittoServer.secured(SitePki.deployDir(), pki.directory()).start();
  }

  @AfterAll
  static void stopBroker() {
    if (broker != null) {
      broker.close();
    }
    if (pki != null) {
      pki.close();
    }
  }

  /** A client over TLS trusting the site CA, with the named certificate or none. */
  private static MqttAsyncClient client(String id, String certName, List<String> inbox)
      throws MqttException {
    MqttAsyncClient c = new MqttAsyncClient(broker.tlsUri(), id, new MemoryPersistence());
    c.setCallback(
        new MqttCallback() {
          @Override
          public void disconnected(MqttDisconnectResponse r) {}

          @Override
          public void mqttErrorOccurred(MqttException e) {}

          @Override
          public void messageArrived(String topic, MqttMessage m) {
            inbox.add(topic + "=" + new String(m.getPayload(), StandardCharsets.UTF_8));
          }

          @Override
          public void deliveryComplete(IMqttToken t) {}

          @Override
          public void connectComplete(boolean reconnect, String uri) {}

          @Override
          public void authPacketArrived(int code, MqttProperties p) {}
        });
    return c;
  }

  private static MqttConnectionOptions options(String certName) {
    ClientTls tls =
        ClientTls.load(
            "ca",
            pki.ca(),
            "cert",
            certName == null ? null : pki.cert(certName),
            "key",
            certName == null ? null : pki.key(certName),
            Instant.now());
    MqttConnectionOptions o = new MqttConnectionOptions();
    o.setSocketFactory(tls.context().getSocketFactory());
    o.setConnectionTimeout(10);
    o.setCleanStart(true);
    return o;
  }

  private static MqttAsyncClient connected(String id, String certName, List<String> inbox)
      throws MqttException {
    MqttAsyncClient c = client(id, certName, inbox);
    c.connect(options(certName)).waitForCompletion(15_000);
    return c;
  }

  private static void assertRefused(String certName, ClientTls tls) throws MqttException {
    MqttAsyncClient c = client("refused-" + certName, certName, new CopyOnWriteArrayList<>());
    MqttConnectionOptions o = options(null);
    o.setSocketFactory(tls.context().getSocketFactory());
    try {
      assertThatThrownBy(() -> c.connect(o).waitForCompletion(15_000))
          .isInstanceOf(MqttException.class);
      assertThat(c.isConnected()).isFalse();
    } finally {
      c.close(true);
    }
  }

  @Test
  void anonymousClient_withoutCertificate_isRefused() throws Exception {
    assertRefused(
        "anonymous", ClientTls.load("ca", pki.ca(), "cert", null, "key", null, Instant.now()));
  }

  @Test
  void clientCertificateFromAnotherCa_isRefused() throws Exception {
    String name = pki.foreignClient("foreign-k1", "k1");
    assertRefused(
        name,
        ClientTls.load(
            "ca", pki.ca(), "cert", pki.cert(name), "key", pki.key(name), Instant.now()));
  }

  @Test
  void expiredClientCertificate_isRefused() throws Exception {
    String name = pki.expiredClient("expired-k1", "k1");
    // ClientTls refuses to load an expired certificate, so offer it through a bare context: only
    // the broker stands between it and the site now.
    assertRefused(name, offering(pki.cert(name), pki.key(name)));
  }

  /** A context trusting the site CA and offering {@code cert} whatever its dates. */
  private static ClientTls offering(Path cert, Path key) throws Exception {
    CertificateFactory cf = CertificateFactory.getInstance("X.509");
    X509Certificate leaf;
    try (InputStream in = Files.newInputStream(cert)) {
      leaf = (X509Certificate) cf.generateCertificate(in);
    }
    KeyStore store = KeyStore.getInstance("PKCS12");
    store.load(null, null);
    store.setKeyEntry(
        "k", PemFiles.privateKey("key", key), "p".toCharArray(), new X509Certificate[] {leaf});
    KeyManagerFactory kmf = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
    kmf.init(store, "p".toCharArray());
    ClientTls trustOnly = ClientTls.load("ca", pki.ca(), "cert", null, "key", null, Instant.now());
    SSLContext context = SSLContext.getInstance("TLS");
    context.init(kmf.getKeyManagers(), new TrustManager[] {trustOnly.trustManager()}, null);
    return new ClientTls(context, trustOnly.trustManager(), leaf);
  }

  @Test
  void kiosk_cannotReadAnotherKiosksState_butReadsItsOwn() throws Exception {
    List<String> agentInbox = new CopyOnWriteArrayList<>();
    List<String> kioskInbox = new CopyOnWriteArrayList<>();
    MqttAsyncClient agent = connected("agent", "agent", agentInbox);
    MqttAsyncClient k1 = connected("k1", "kiosk-k1", kioskInbox);
    try {
      agent
          .publish(SITE + "/kiosk/k2/state", "k2-state".getBytes(StandardCharsets.UTF_8), 1, true)
          .waitForCompletion(10_000);
      agent
          .publish(SITE + "/kiosk/k1/state", "k1-state".getBytes(StandardCharsets.UTF_8), 1, true)
          .waitForCompletion(10_000);

      // Mosquitto 2.0 grants the subscription and withholds delivery (read ACL). Retained
      // messages are sent in subscription order: once k1's own state is in, k2's never comes.
      subscribeCodes(k1, SITE + "/kiosk/k2/state");
      subscribeCodes(k1, SITE + "/kiosk/+/state");
      subscribeCodes(k1, SITE + "/kiosk/k1/state");

      await().until(() -> kioskInbox.contains(SITE + "/kiosk/k1/state=k1-state"));
      assertThat(kioskInbox).noneMatch(m -> m.contains("k2-state"));
    } finally {
      close(agent, k1);
    }
  }

  @Test
  void kiosk_cannotPublishOnAnotherKiosksAudio_norWriteState() throws Exception {
    List<String> agentInbox = new CopyOnWriteArrayList<>();
    MqttAsyncClient agent = connected("agent-2", "agent", agentInbox);
    MqttAsyncClient k1 = connected("k1-pub", "kiosk-k1", new CopyOnWriteArrayList<>());
    try {
      assertThat(subscribeCodes(agent, "affectgate/v1/#")).containsExactly(1);

      int foreignAudio = publishCode(k1, SITE + "/kiosk/k2/audio", "forged");
      int state = publishCode(k1, SITE + "/kiosk/k1/state", "forged-state");
      int ownAudio = publishCode(k1, SITE + "/kiosk/k1/audio", "own");

      assertThat(foreignAudio).isEqualTo(NOT_AUTHORIZED);
      assertThat(state).isEqualTo(NOT_AUTHORIZED);
      assertThat(ownAudio).isLessThan(0x80);
      // One publisher's messages arrive in order: once "own" is in, the refused ones never come.
      await().until(() -> agentInbox.contains(SITE + "/kiosk/k1/audio=own"));
      assertThat(agentInbox).noneMatch(m -> m.contains("forged"));
    } finally {
      close(agent, k1);
    }
  }

  @Test
  void wearableBridge_publishesOnlyItsOwnTopics_andCannotWriteEscalations() throws Exception {
    List<String> agentInbox = new CopyOnWriteArrayList<>();
    MqttAsyncClient agent = connected("agent-3", "agent", agentInbox);
    MqttAsyncClient w1 = connected("w1", "wearable-w1", new CopyOnWriteArrayList<>());
    try {
      assertThat(subscribeCodes(agent, "affectgate/v1/#")).containsExactly(1);

      assertThat(publishCode(w1, SITE + "/wearable/w2/hr", "forged")).isEqualTo(NOT_AUTHORIZED);
      assertThat(publishCode(w1, SITE + "/staff/escalation", "forged-esc"))
          .isEqualTo(NOT_AUTHORIZED);
      assertThat(publishCode(w1, SITE + "/wearable/w1/hr/ble", "own-ble")).isLessThan(0x80);
      assertThat(publishCode(w1, SITE + "/wearable/w1/hr", "own")).isLessThan(0x80);

      await().until(() -> agentInbox.contains(SITE + "/wearable/w1/hr=own"));
      assertThat(agentInbox)
          .contains(SITE + "/wearable/w1/hr/ble=own-ble")
          .noneMatch(m -> m.endsWith("=forged") || m.endsWith("=forged-esc"));
    } finally {
      close(agent, w1);
    }
  }

  @Test
  void agent_onTheLoopbackPlainListener_isAnonymousAndUnrestricted() throws Exception {
    // affectgate.conf's local listener keeps working beside the TLS one (per_listener_settings).
    MqttAsyncClient local = new MqttAsyncClient(broker.uri(), "local", new MemoryPersistence());
    try {
      MqttConnectionOptions o = new MqttConnectionOptions();
      o.setCleanStart(true);
      local.connect(o).waitForCompletion(10_000);
      // 0x10: accepted, no matching subscribers
      assertThat(publishCode(local, SITE + "/kiosk/k1/state", "{}")).isLessThan(0x80);
    } finally {
      close(local);
    }
  }

  private static int[] subscribeCodes(MqttAsyncClient c, String filter) throws MqttException {
    IMqttToken t = c.subscribe(new MqttSubscription(filter, 1));
    try {
      t.waitForCompletion(10_000);
    } catch (MqttException refused) {
      // Paho reports a refused subscription as an exception; the codes are on the token
    }
    return t.getReasonCodes();
  }

  /** Publishes at QoS 1 and returns the PUBACK reason code. */
  private static int publishCode(MqttAsyncClient c, String topic, String payload)
      throws MqttException {
    MqttMessage m = new MqttMessage(payload.getBytes(StandardCharsets.UTF_8));
    m.setQos(1);
    IMqttToken t = c.publish(topic, m);
    try {
      t.waitForCompletion(10_000);
    } catch (MqttException refused) {
      return refused.getReasonCode();
    }
    int[] codes = t.getReasonCodes();
    return codes == null || codes.length == 0 ? 0 : codes[0];
  }

  private static void close(MqttAsyncClient... clients) {
    for (MqttAsyncClient c : clients) {
      try {
        c.disconnect().waitForCompletion(5_000);
      } catch (MqttException e) {
        // closing anyway
      }
      try {
        c.close(true);
      } catch (MqttException e) {
        // best effort
      }
    }
  }
}
