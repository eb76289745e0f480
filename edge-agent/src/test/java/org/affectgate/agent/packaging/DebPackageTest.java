package org.affectgate.agent.packaging;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Checks the Debian package {@code target/affectgate_<version>_all.deb} that {@code mvn package}
 * builds (jdeb, deploy/debian/): lintian finds no error or warning (info tags are overridden with
 * their reasons in deploy/debian/lintian-overrides), and the install, upgrade, remove and purge
 * round trip of deploy/dev/deb-roundtrip.sh passes on this machine, including {@code
 * systemd-analyze verify} of the unit and {@code affectgate check-config} as the {@code affectgate}
 * user. Runs after {@code package} (tag {@value #TAG}, surefire execution {@code deb-package},
 * integration-test phase) as root, since it installs and purges the package; the tools come from
 * deploy/dev/services.sh install. Each tool's output goes to the console.
 */
@Tag(DebPackageTest.TAG)
class DebPackageTest {
  private static final Logger LOG = LoggerFactory.getLogger(DebPackageTest.class);

  static final String TAG = "deb";
  private static final Path ROOT = Path.of("..").toAbsolutePath().normalize();
  private static Path deb;

  @BeforeAll
  static void findPackage() throws IOException {
    try (Stream<Path> files = Files.list(Path.of("target"))) {
      List<Path> debs =
          files.filter(p -> p.getFileName().toString().matches("affectgate_.*_all\\.deb")).toList();
      assertThat(debs).as("the package built by jdeb in target/").hasSize(1);
      deb = debs.get(0).toAbsolutePath();
    }
  }

  @Test
  void lintian_package_noErrorsNorWarnings() throws Exception {
    Result r =
        run(List.of("lintian", "-I", "--pedantic", "--fail-on", "error,warning", deb.toString()));
    assertThat(r.output()).doesNotContainPattern("(?m)^[EW]: ");
    assertThat(r.exitCode()).as("lintian exit code").isZero();
  }

  @Test
  void roundTrip_installUpgradeRemovePurge_keepsConffileAndStateThenCleansUp() throws Exception {
    assertThat(System.getProperty("user.name")).as("dpkg needs root").isEqualTo("root");
    Result r =
        run(
            List.of(
                "bash", ROOT.resolve("deploy/dev/deb-roundtrip.sh").toString(), deb.toString()));
    assertThat(r.output())
        .contains("ok: systemd-analyze verify affectgate.service")
        .contains("configuration OK: /etc/affectgate/agent.yaml")
        .contains("kept as edited, no .dpkg-* file")
        .contains("ok: purged")
        .contains("deb-roundtrip: OK");
    assertThat(r.exitCode()).as("deb-roundtrip.sh exit code").isZero();
  }

  private record Result(int exitCode, String output) {}

  /** Runs a command in the repository root, echoes its output and returns it with the exit code. */
  private static Result run(List<String> command) throws Exception {
    Path log = Files.createTempFile("affectgate-deb-test", ".log");
    try {
      Process p =
          new ProcessBuilder(command)
              .directory(ROOT.toFile())
              .redirectErrorStream(true)
              .redirectOutput(log.toFile())
              .start();
      if (!p.waitFor(10, TimeUnit.MINUTES)) {
        p.destroyForcibly();
        throw new AssertionError(command + " did not finish in 10 minutes");
      }
      String output = Files.readString(log, StandardCharsets.UTF_8);
      LOG.info("$ {}\n{}", String.join(" ", command), output);
      return new Result(p.exitValue(), output);
    } finally {
      Files.deleteIfExists(log);
    }
  }
}
