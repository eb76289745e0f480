package org.affectgate.common.tls;

import java.io.IOException;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.PrivateKey;
import java.security.cert.X509Certificate;
import java.time.Instant;
import java.util.List;
import javax.net.ssl.KeyManager;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManager;
import javax.net.ssl.TrustManagerFactory;
import javax.net.ssl.X509TrustManager;

/**
 * A TLS client context built from PEM files: the server is verified against a CA file (or the JVM's
 * default trust store when there is none), and a client certificate with its key is offered when
 * configured (mutual TLS). Hostname verification is not part of the context: each client switches
 * it on for its sockets (Paho, OkHttp).
 *
 * <p>Files are read once, by {@link #load}; a renewed certificate takes effect at the next start.
 *
 * @param context the ready context (protocol {@code TLS}: 1.2 or 1.3, as the JVM negotiates)
 * @param trustManager the manager that verifies servers (OkHttp needs it beside the factory)
 * @param clientCertificate the client certificate, or {@code null} without mutual TLS
 */
public record ClientTls(
    SSLContext context, X509TrustManager trustManager, X509Certificate clientCertificate) {

  private static final char[] IN_MEMORY_PASSWORD = "affectgate".toCharArray();

  /**
   * Reads and checks the files and builds the context.
   *
   * @param caKey configuration key of {@code caFile}, e.g. {@code mqtt.tls.caFile}
   * @param caFile PEM CA bundle, or {@code null} for the JVM's default trust store
   * @param certKey configuration key of {@code certFile}
   * @param certFile PEM client certificate (chain, leaf first), or {@code null}
   * @param keyKey configuration key of {@code keyFile}
   * @param keyFile PEM PKCS#8 private key of {@code certFile}, mode 600; {@code null} exactly when
   *     {@code certFile} is
   * @param now the time certificates must be valid at
   * @throws TlsFileException one line naming the key and file of the first problem found
   */
  public static ClientTls load(
      String caKey,
      Path caFile,
      String certKey,
      Path certFile,
      String keyKey,
      Path keyFile,
      Instant now) {
    if ((certFile == null) != (keyFile == null)) {
      throw new TlsFileException(
          certKey + " and " + keyKey + " must be set together (got only one of them)");
    }
    try {
      X509TrustManager trust = trustManager(caKey, caFile, now);
      KeyManager[] keys = null;
      X509Certificate leaf = null;
      if (certFile != null) {
        List<X509Certificate> chain = PemFiles.certificates(certKey, certFile, now);
        PrivateKey key = PemFiles.privateKey(keyKey, keyFile);
        leaf = chain.get(0);
        if (!PemFiles.matches(key, leaf.getPublicKey())) {
          throw new TlsFileException(
              keyKey + " " + keyFile + " is not the private key of " + certKey + " " + certFile);
        }
        KeyStore store = KeyStore.getInstance("PKCS12");
        store.load(null, null);
        store.setKeyEntry("client", key, IN_MEMORY_PASSWORD, chain.toArray(X509Certificate[]::new));
        KeyManagerFactory kmf =
            KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
        kmf.init(store, IN_MEMORY_PASSWORD);
        keys = kmf.getKeyManagers();
      }
      SSLContext context = SSLContext.getInstance("TLS");
      context.init(keys, new TrustManager[] {trust}, null);
      return new ClientTls(context, trust, leaf);
    } catch (GeneralSecurityException | IOException e) {
      throw new IllegalStateException("TLS is not available in this JVM: " + e, e);
    }
  }

  private static X509TrustManager trustManager(String caKey, Path caFile, Instant now)
      throws GeneralSecurityException, IOException {
    KeyStore store = null;
    if (caFile != null) {
      store = KeyStore.getInstance("PKCS12");
      store.load(null, null);
      int i = 0;
      for (X509Certificate ca : PemFiles.caBundle(caKey, caFile, now)) {
        store.setCertificateEntry("ca-" + i++, ca);
      }
    }
    TrustManagerFactory tmf =
        TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
    tmf.init(store);
    for (TrustManager tm : tmf.getTrustManagers()) {
      if (tm instanceof X509TrustManager x) {
        return x;
      }
    }
    throw new IllegalStateException("no X509TrustManager in this JVM");
  }
}
