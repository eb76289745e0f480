package org.affectgate.common.tls;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.PrivateKey;
import java.security.PublicKey;
import java.security.Signature;
import java.security.cert.CertificateException;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.security.spec.PKCS8EncodedKeySpec;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Reads certificates and private keys from PEM files, with one-line errors naming the key and file.
 *
 * <p>Supported: {@code CERTIFICATE} blocks (one or more) and unencrypted PKCS#8 {@code PRIVATE KEY}
 * blocks (RSA, EC or Ed25519), which is what OpenSSL 3 writes by default ({@code openssl genpkey},
 * {@code openssl req -newkey ... -nodes}). A PKCS#1 {@code RSA PRIVATE KEY} or SEC1 {@code EC
 * PRIVATE KEY} is refused with the command that converts it; an encrypted key is refused (the agent
 * starts unattended, so there is nobody to type its passphrase).
 */
public final class PemFiles {
  private static final Pattern BLOCK =
      Pattern.compile("-----BEGIN ([A-Z0-9 ]+)-----([^-]*)-----END \\1-----");

  private PemFiles() {}

  /**
   * The certificates of a PEM file, each valid at {@code now}.
   *
   * @param key the configuration key, named in every message
   * @throws TlsFileException when the file is missing or unreadable, holds no PEM certificate, a
   *     block does not parse, or a certificate is expired or not yet valid
   */
  public static List<X509Certificate> certificates(String key, Path file, Instant now) {
    List<X509Certificate> certs = anyCertificates(key, file);
    for (X509Certificate c : certs) {
      requireValid(key, file, c, now);
    }
    return certs;
  }

  /**
   * A CA bundle: the certificates of a PEM file of which at least one is valid at {@code now};
   * expired ones are dropped (a system bundle may still list some).
   *
   * @throws TlsFileException as {@link #certificates}, or when every certificate is out of date
   */
  public static List<X509Certificate> caBundle(String key, Path file, Instant now) {
    List<X509Certificate> certs = anyCertificates(key, file);
    List<X509Certificate> valid = new ArrayList<>();
    for (X509Certificate c : certs) {
      if (!now.isBefore(c.getNotBefore().toInstant())
          && !now.isAfter(c.getNotAfter().toInstant())) {
        valid.add(c);
      }
    }
    if (valid.isEmpty()) {
      requireValid(key, file, certs.get(0), now);
    }
    return valid;
  }

  private static List<X509Certificate> anyCertificates(String key, Path file) {
    String pem = read(key, file);
    List<X509Certificate> certs = new ArrayList<>();
    CertificateFactory factory;
    try {
      factory = CertificateFactory.getInstance("X.509");
    } catch (CertificateException e) {
      throw new IllegalStateException("no X.509 support in this JVM", e);
    }
    Matcher m = BLOCK.matcher(pem);
    while (m.find()) {
      if (!"CERTIFICATE".equals(m.group(1))) {
        continue;
      }
      try {
        byte[] der = Base64.getMimeDecoder().decode(m.group(2));
        certs.add((X509Certificate) factory.generateCertificate(new ByteArrayInputStream(der)));
      } catch (IllegalArgumentException | CertificateException e) {
        throw new TlsFileException(
            key + " " + file + " holds a CERTIFICATE block that does not parse: " + oneLine(e), e);
      }
    }
    if (certs.isEmpty()) {
      throw new TlsFileException(
          key
              + " "
              + file
              + " is not a PEM certificate file (no -----BEGIN CERTIFICATE----- block)");
    }
    return certs;
  }

  private static void requireValid(String key, Path file, X509Certificate c, Instant now) {
    String who = c.getSubjectX500Principal().getName();
    if (now.isAfter(c.getNotAfter().toInstant())) {
      throw new TlsFileException(
          key + " " + file + ": certificate " + who + " expired on " + c.getNotAfter().toInstant());
    }
    if (now.isBefore(c.getNotBefore().toInstant())) {
      throw new TlsFileException(
          key
              + " "
              + file
              + ": certificate "
              + who
              + " is not valid before "
              + c.getNotBefore().toInstant()
              + " (check the clock)");
    }
  }

  /**
   * The private key of a PEM file that only its owner may read ({@link
   * SecretFiles#requirePrivate}).
   *
   * @throws TlsFileException when the file is missing, unreadable, accessible by others, or holds
   *     no unencrypted PKCS#8 private key
   */
  public static PrivateKey privateKey(String key, Path file) {
    SecretFiles.requirePrivate(key, file);
    String pem = read(key, file);
    Matcher m = BLOCK.matcher(pem);
    while (m.find()) {
      String type = m.group(1);
      switch (type) {
        case "PRIVATE KEY" -> {
          return pkcs8(key, file, Base64.getMimeDecoder().decode(m.group(2)));
        }
        case "RSA PRIVATE KEY", "EC PRIVATE KEY" ->
            throw new TlsFileException(
                key
                    + " "
                    + file
                    + " holds a "
                    + type
                    + " (PKCS#1/SEC1); convert it with: openssl pkcs8 -topk8 -nocrypt -in "
                    + file
                    + " -out key.pem");
        case "ENCRYPTED PRIVATE KEY" ->
            throw new TlsFileException(
                key + " " + file + " is encrypted; the agent needs an unencrypted key (mode 600)");
        default -> {
          // a certificate in the same file, parameters: skip
        }
      }
    }
    throw new TlsFileException(
        key + " " + file + " is not a PEM private key (no -----BEGIN PRIVATE KEY----- block)");
  }

  private static PrivateKey pkcs8(String key, Path file, byte[] der) {
    PKCS8EncodedKeySpec spec = new PKCS8EncodedKeySpec(der);
    for (String algorithm : List.of("RSA", "EC", "Ed25519")) {
      try {
        return KeyFactory.getInstance(algorithm).generatePrivate(spec);
      } catch (GeneralSecurityException e) {
        // try the next algorithm
      }
    }
    throw new TlsFileException(
        key + " " + file + " holds a private key that is not RSA, EC or Ed25519, or is damaged");
  }

  /**
   * Whether {@code privateKey} belongs to {@code publicKey}: signs a fixed message and verifies it.
   */
  public static boolean matches(PrivateKey privateKey, PublicKey publicKey) {
    String algorithm =
        switch (privateKey.getAlgorithm()) {
          case "RSA" -> "SHA256withRSA";
          case "EC" -> "SHA256withECDSA";
          default -> privateKey.getAlgorithm();
        };
    byte[] message = "affectgate key check".getBytes(StandardCharsets.US_ASCII);
    try {
      Signature sign = Signature.getInstance(algorithm);
      sign.initSign(privateKey);
      sign.update(message);
      byte[] signature = sign.sign();
      Signature verify = Signature.getInstance(algorithm);
      verify.initVerify(publicKey);
      verify.update(message);
      return verify.verify(signature);
    } catch (GeneralSecurityException e) {
      return false;
    }
  }

  private static String read(String key, Path file) {
    SecretFiles.requireReadable(key, file);
    try {
      // ISO-8859-1 decodes any bytes: a binary (DER) file is then simply one without PEM blocks
      return Files.readString(file, StandardCharsets.ISO_8859_1);
    } catch (IOException e) {
      throw new TlsFileException(key + " " + file + " cannot be read: " + oneLine(e), e);
    }
  }

  static String oneLine(Throwable e) {
    String m = e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
    return m.replaceAll("\\s*\\R\\s*", " ").strip();
  }
}
