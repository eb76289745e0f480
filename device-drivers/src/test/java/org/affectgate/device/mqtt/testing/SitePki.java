package org.affectgate.device.mqtt.testing;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * A site's test PKI made by the shipped {@code deploy/mosquitto/make-certs.sh} (EC P-256, so it
 * takes seconds), plus what that script deliberately cannot make: a client certificate from an
 * unrelated CA and one that expired in 2020 ({@code openssl ca -startdate/-enddate}, since OpenSSL
 * 3.0's {@code x509} cannot back-date). Files are named as make-certs.sh names them: {@code
 * ca.crt}, {@code broker.crt}, {@code agent.crt}, {@code kiosk-ID.crt}, {@code wearable-ID.crt},
 * each with its {@code .key} (mode 600). {@link #close()} deletes the directory.
 */
public final class SitePki implements AutoCloseable {
  private static final long OPENSSL_TIMEOUT_S = 60;

  private final Path dir;

  private SitePki(Path dir) {
    this.dir = dir;
  }

  /** The repository's {@code deploy/mosquitto} (system property {@code affectgate.repoRoot}). */
  public static Path deployDir() {
    return Path.of(System.getProperty("affectgate.repoRoot", "."), "deploy", "mosquitto")
        .toAbsolutePath()
        .normalize();
  }

  /**
   * Runs {@code make-certs.sh -d TMP -k kiosks -w wearables} (broker names localhost, 127.0.0.1).
   *
   * @throws IllegalStateException when the script fails (its output in the message)
   */
  public static SitePki generate(List<String> kiosks, List<String> wearables) {
    try {
      Path dir = Files.createTempDirectory("affectgate-pki-");
      List<String> cmd =
          new ArrayList<>(
              List.of("sh", deployDir().resolve("make-certs.sh").toString(), "-d", dir.toString()));
      if (!kiosks.isEmpty()) {
        cmd.addAll(List.of("-k", String.join(",", kiosks)));
      }
      if (!wearables.isEmpty()) {
        cmd.addAll(List.of("-w", String.join(",", wearables)));
      }
      run(dir, cmd);
      return new SitePki(dir);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot create the PKI directory", e);
    }
  }

  public Path directory() {
    return dir;
  }

  public Path ca() {
    return dir.resolve("ca.crt");
  }

  /** {@code NAME.crt}, e.g. {@code agent}, {@code kiosk-k1}, {@code wearable-w1}. */
  public Path cert(String name) {
    return dir.resolve(name + ".crt");
  }

  /** {@code NAME.key}. */
  public Path key(String name) {
    return dir.resolve(name + ".key");
  }

  /**
   * A client certificate with CN {@code cn} from a new CA the broker does not know, as {@code
   * NAME.crt}/{@code NAME.key}; the foreign CA is {@code foreign-ca.crt}.
   *
   * @return {@code name}
   */
  public String foreignClient(String name, String cn) {
    Path foreign = dir.resolve("foreign");
    try {
      Files.createDirectories(foreign);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    Path caKey = foreign.resolve("ca.key");
    run(
        foreign,
        List.of(
            "openssl",
            "genpkey",
            "-algorithm",
            "EC",
            "-pkeyopt",
            "ec_paramgen_curve:P-256",
            "-out",
            caKey.toString()));
    run(
        foreign,
        List.of(
            "openssl",
            "req",
            "-x509",
            "-new",
            "-key",
            caKey.toString(),
            "-days",
            "30",
            "-subj",
            "/CN=Another CA",
            "-addext",
            "basicConstraints=critical,CA:TRUE",
            "-addext",
            "keyUsage=critical,keyCertSign,cRLSign",
            "-out",
            foreign.resolve("ca.crt").toString()));
    sign(foreign.resolve("ca.crt"), caKey, name, cn, null);
    copy(foreign.resolve("ca.crt"), dir.resolve("foreign-ca.crt"));
    return name;
  }

  /**
   * A client certificate with CN {@code cn} from this site's CA that was valid only in January
   * 2020, as {@code NAME.crt}/{@code NAME.key}.
   *
   * @return {@code name}
   */
  public String expiredClient(String name, String cn) {
    sign(
        ca(), dir.resolve("ca.key"), name, cn, new String[] {"20200101000000Z", "20200201000000Z"});
    return name;
  }

  /**
   * A directory for {@link MosquittoServer#secured} whose {@code broker.crt} is from this site's CA
   * but names only {@code host} (for wrong-host tests); {@code ca.crt} is this site's.
   */
  public Path brokerDirFor(String host) {
    Path d = dir.resolve("broker-" + host);
    try {
      Files.createDirectories(d);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    copy(ca(), d.resolve("ca.crt"));
    Path ext = d.resolve("broker.ext");
    write(ext, "extendedKeyUsage=serverAuth\nsubjectAltName=DNS:" + host + "\n");
    Path key = d.resolve("broker.key");
    run(
        d,
        List.of(
            "openssl",
            "genpkey",
            "-algorithm",
            "EC",
            "-pkeyopt",
            "ec_paramgen_curve:P-256",
            "-out",
            key.toString()));
    run(
        d,
        List.of(
            "openssl",
            "req",
            "-new",
            "-key",
            key.toString(),
            "-subj",
            "/CN=" + host,
            "-out",
            d.resolve("broker.csr").toString()));
    run(
        d,
        List.of(
            "openssl",
            "x509",
            "-req",
            "-in",
            d.resolve("broker.csr").toString(),
            "-CA",
            ca().toString(),
            "-CAkey",
            dir.resolve("ca.key").toString(),
            "-set_serial",
            "77",
            "-days",
            "30",
            "-extfile",
            ext.toString(),
            "-out",
            d.resolve("broker.crt").toString()));
    return d;
  }

  private void sign(Path caCert, Path caKey, String name, String cn, String[] dates) {
    Path work = dir.resolve("ca-" + name);
    try {
      Files.createDirectories(work.resolve("new"));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    write(work.resolve("index.txt"), "");
    write(work.resolve("serial"), "1000\n");
    write(
        work.resolve("ca.cnf"),
        String.join(
            "\n",
            "[ca]",
            "default_ca = site",
            "[site]",
            "database = " + work.resolve("index.txt"),
            "new_certs_dir = " + work.resolve("new"),
            "serial = " + work.resolve("serial"),
            "default_md = sha256",
            "default_days = 30",
            "policy = any",
            "unique_subject = no",
            "[any]",
            "commonName = supplied",
            "[client]",
            "basicConstraints = critical,CA:FALSE",
            "keyUsage = critical,digitalSignature",
            "extendedKeyUsage = clientAuth",
            ""));
    key(name, dir);
    Path csr = work.resolve(name + ".csr");
    run(
        dir,
        List.of(
            "openssl",
            "req",
            "-new",
            "-key",
            key(name).toString(),
            "-subj",
            "/CN=" + cn,
            "-out",
            csr.toString()));
    List<String> cmd =
        new ArrayList<>(
            List.of(
                "openssl",
                "ca",
                "-batch",
                "-notext",
                "-config",
                work.resolve("ca.cnf").toString(),
                "-cert",
                caCert.toString(),
                "-keyfile",
                caKey.toString(),
                "-extensions",
                "client",
                "-in",
                csr.toString(),
                "-out",
                cert(name).toString()));
    if (dates != null) {
      cmd.addAll(List.of("-startdate", dates[0], "-enddate", dates[1]));
    }
    run(dir, cmd);
  }

  private void key(String name, Path where) {
    run(
        where,
        List.of(
            "openssl",
            "genpkey",
            "-algorithm",
            "EC",
            "-pkeyopt",
            "ec_paramgen_curve:P-256",
            "-out",
            key(name).toString()));
    try {
      Files.setPosixFilePermissions(
          key(name), java.nio.file.attribute.PosixFilePermissions.fromString("rw-------"));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static void write(Path file, String content) {
    try {
      Files.writeString(file, content, StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static void copy(Path from, Path to) {
    try {
      Files.copy(from, to, java.nio.file.StandardCopyOption.REPLACE_EXISTING);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static void run(Path dir, List<String> cmd) {
    try {
      Process p =
          new ProcessBuilder(cmd)
              .directory(dir.toFile())
              .redirectErrorStream(true)
              .redirectOutput(dir.resolve("openssl.log").toFile())
              .start();
      if (!p.waitFor(OPENSSL_TIMEOUT_S, TimeUnit.SECONDS)) {
        p.destroyForcibly();
        throw new IllegalStateException("timed out: " + cmd);
      }
      if (p.exitValue() != 0) {
        throw new IllegalStateException(
            "failed ("
                + p.exitValue()
                + "): "
                + cmd
                + "\n"
                + Files.readString(dir.resolve("openssl.log")));
      }
    } catch (IOException e) {
      throw new UncheckedIOException("cannot run " + cmd, e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted: " + cmd, e);
    }
  }

  @Override
  public void close() {
    try (Stream<Path> paths = Files.walk(dir)) {
      paths.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
    } catch (IOException ignored) {
      // best effort cleanup of a temp dir
    }
  }
}
