package org.affectgate.agent.admin;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.util.Base64;

/**
 * The bearer token of the admin API, read from {@code http.tokenFile}. When the file is absent it
 * is created with a random 256-bit token (base64url) and mode 0600, so an installation is never
 * left open by default; operators read it from the file (e.g. {@code curl -H "Authorization: Bearer
 * $(cat /var/lib/affectgate/admin-token)"}).
 *
 * <p>The token is never logged: {@link #toString()} names the file only. Comparison is
 * constant-time. Immutable and thread-safe.
 */
public final class AdminToken {
  public static final int MIN_LENGTH = 16;

  private final Path file;
  private final byte[] token;

  private AdminToken(Path file, byte[] token) {
    this.file = file;
    this.token = token;
  }

  /**
   * Reads the token (surrounding whitespace ignored), creating the file first if absent.
   *
   * @throws IllegalArgumentException naming {@code http.tokenFile} when it cannot be read or the
   *     token is shorter than {@value #MIN_LENGTH} characters
   */
  public static AdminToken loadOrCreate(Path file) {
    try {
      if (!Files.exists(file)) {
        create(file);
      }
      String text = Files.readString(file, StandardCharsets.UTF_8).strip();
      if (text.length() < MIN_LENGTH) {
        throw new IllegalArgumentException(
            "http.tokenFile "
                + file
                + " must hold a token of at least "
                + MIN_LENGTH
                + " characters (got "
                + text.length()
                + ")");
      }
      return new AdminToken(file, text.getBytes(StandardCharsets.UTF_8));
    } catch (IOException e) {
      throw new IllegalArgumentException("cannot read http.tokenFile " + file + ": " + e, e);
    }
  }

  private static void create(Path file) throws IOException {
    byte[] raw = new byte[32];
    new SecureRandom().nextBytes(raw);
    String token = Base64.getUrlEncoder().withoutPadding().encodeToString(raw);
    Path dir = file.toAbsolutePath().getParent();
    Files.createDirectories(dir);
    Path tmp = Files.createTempFile(dir, ".admin-token", ".tmp");
    try {
      try {
        Files.setPosixFilePermissions(tmp, PosixFilePermissions.fromString("rw-------"));
      } catch (UnsupportedOperationException e) {
        // not a POSIX file system; the directory's permissions apply
      }
      Files.writeString(tmp, token + "\n", StandardCharsets.UTF_8);
      try {
        Files.move(tmp, file);
      } catch (FileAlreadyExistsException e) {
        // another process created it first; use theirs
      }
    } finally {
      Files.deleteIfExists(tmp);
    }
  }

  /** Whether {@code presented} is the token; constant-time in the token's length. */
  public boolean matches(String presented) {
    if (presented == null) {
      return false;
    }
    return MessageDigest.isEqual(token, presented.getBytes(StandardCharsets.UTF_8));
  }

  public Path file() {
    return file;
  }

  @Override
  public String toString() {
    return "AdminToken[" + file + "]";
  }
}
