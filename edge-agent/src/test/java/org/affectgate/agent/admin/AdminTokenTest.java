package org.affectgate.agent.admin;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class AdminTokenTest {
  @TempDir Path dir;

  @Test
  void absentFile_createdWithRandomTokenOwnerOnly() throws Exception {
    Path f = dir.resolve("sub/admin-token");
    AdminToken token = AdminToken.loadOrCreate(f);
    String text = Files.readString(f).strip();
    assertThat(text).matches("[A-Za-z0-9_-]{43}");
    assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(f)))
        .isEqualTo("rw-------");
    assertThat(token.matches(text)).isTrue();
    assertThat(AdminToken.loadOrCreate(dir.resolve("other")).matches(text)).isFalse();
  }

  @Test
  void existingFile_readAndStripped_reusedOnReload() throws Exception {
    Path f = dir.resolve("admin-token");
    Files.writeString(f, "  operator-chosen-token-42 \n");
    assertThat(AdminToken.loadOrCreate(f).matches("operator-chosen-token-42")).isTrue();
    assertThat(AdminToken.loadOrCreate(f).matches("operator-chosen-token-4")).isFalse();
    assertThat(AdminToken.loadOrCreate(f).matches(null)).isFalse();
  }

  @Test
  void shortToken_rejectedNamingKey() throws Exception {
    Path f = dir.resolve("admin-token");
    Files.writeString(f, "short\n");
    assertThatThrownBy(() -> AdminToken.loadOrCreate(f))
        .hasMessage("http.tokenFile " + f + " must hold a token of at least 16 characters (got 5)");
  }

  @Test
  void toString_namesFileNotToken() throws Exception {
    Path f = dir.resolve("admin-token");
    Files.writeString(f, "operator-chosen-token-42");
    assertThat(AdminToken.loadOrCreate(f).toString())
        .contains(f.toString())
        .doesNotContain("operator-chosen-token-42");
  }
}
