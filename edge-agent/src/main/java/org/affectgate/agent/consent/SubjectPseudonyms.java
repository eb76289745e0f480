package org.affectgate.agent.consent;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.GeneralSecurityException;
import java.security.SecureRandom;
import java.util.HexFormat;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * Turns participant ids into the subject pseudonyms the consent ledger, the gate and the HRV state
 * use: {@code hex(HMAC-SHA256(siteSalt, participantId))[0..32]} (128 bits). Participant ids
 * themselves are never stored.
 *
 * <p>The salt is 32 random bytes in a per-site file ({@code consent.saltFile}, default {@code
 * {dataDir}/consent.salt}, mode 0600), created on first use. Without it, a pseudonym cannot be
 * recomputed from a participant id, so a leaked ledger cannot be joined to a participant list.
 *
 * <p><b>Rotation</b> ({@link #rotate}) writes a new salt. Records made before it keep their old
 * pseudonyms: they still verify (the hash chain covers the pseudonym strings, not the salt), but
 * this gateway can no longer link them to a participant id, so a later {@code revoke} or {@code
 * erase} by participant id cannot reach them. {@link ConsentStore#rotateSalt} therefore refuses to
 * rotate while any consent is active; after rotation, old records are effectively anonymous and
 * expire through retention.
 *
 * <p>Thread-safe; the salt is read once at construction.
 */
public final class SubjectPseudonyms {
  public static final int SALT_BYTES = 32;
  public static final int PSEUDONYM_HEX_CHARS = 32;

  private final Path saltFile;
  private final byte[] salt;

  private SubjectPseudonyms(Path saltFile, byte[] salt) {
    this.saltFile = saltFile;
    this.salt = salt;
  }

  /**
   * Reads the salt file, creating it with a fresh random salt if absent.
   *
   * @throws ConsentStoreException when the file cannot be read or created, or is not {@value
   *     #SALT_BYTES} bytes
   */
  public static SubjectPseudonyms open(Path saltFile) {
    try {
      if (!Files.exists(saltFile)) {
        writeNewSalt(saltFile, false);
      }
      byte[] salt = Files.readAllBytes(saltFile);
      if (salt.length != SALT_BYTES) {
        throw new ConsentStoreException(
            "consent.saltFile "
                + saltFile
                + " must hold "
                + SALT_BYTES
                + " bytes (got "
                + salt.length
                + ")",
            null);
      }
      return new SubjectPseudonyms(saltFile, salt);
    } catch (IOException e) {
      throw new ConsentStoreException("cannot read consent.saltFile " + saltFile, e);
    }
  }

  /** The subject pseudonym of {@code participantId}: 32 lowercase hex characters. */
  public String of(String participantId) {
    try {
      Mac mac = Mac.getInstance("HmacSHA256");
      mac.init(new SecretKeySpec(salt, "HmacSHA256"));
      byte[] h = mac.doFinal(participantId.getBytes(StandardCharsets.UTF_8));
      return HexFormat.of().formatHex(h).substring(0, PSEUDONYM_HEX_CHARS);
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("HmacSHA256 is part of every Java 17 runtime", e);
    }
  }

  Path saltFile() {
    return saltFile;
  }

  /** Replaces the salt file atomically; existing instances keep the old salt. */
  static void rotate(Path saltFile) {
    try {
      writeNewSalt(saltFile, true);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot rotate consent.saltFile " + saltFile, e);
    }
  }

  private static void writeNewSalt(Path saltFile, boolean replace) throws IOException {
    byte[] salt = new byte[SALT_BYTES];
    new SecureRandom().nextBytes(salt);
    Path dir = saltFile.toAbsolutePath().getParent();
    Files.createDirectories(dir);
    Path tmp = Files.createTempFile(dir, ".consent-salt", ".tmp");
    try {
      try {
        Files.setPosixFilePermissions(tmp, PosixFilePermissions.fromString("rw-------"));
      } catch (UnsupportedOperationException e) {
        // not a POSIX file system; the directory's permissions apply
      }
      Files.write(tmp, salt);
      if (replace) {
        try {
          Files.move(tmp, saltFile, StandardCopyOption.ATOMIC_MOVE);
        } catch (AtomicMoveNotSupportedException e) {
          Files.move(tmp, saltFile, StandardCopyOption.REPLACE_EXISTING);
        }
      } else {
        try {
          Files.move(tmp, saltFile);
        } catch (FileAlreadyExistsException e) {
          // another process created it first; use theirs
        }
      }
    } finally {
      Files.deleteIfExists(tmp);
    }
  }
}
