package org.affectgate.common.tls;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.EnumSet;
import java.util.Set;

/**
 * Files holding secrets (passwords, private keys): they must exist, be readable and be private to
 * their owner (no group or other permission bits), as {@code ssh} demands of a private key.
 */
public final class SecretFiles {
  private static final Set<PosixFilePermission> NOT_OWNER =
      EnumSet.of(
          PosixFilePermission.GROUP_READ,
          PosixFilePermission.GROUP_WRITE,
          PosixFilePermission.GROUP_EXECUTE,
          PosixFilePermission.OTHERS_READ,
          PosixFilePermission.OTHERS_WRITE,
          PosixFilePermission.OTHERS_EXECUTE);

  private SecretFiles() {}

  /**
   * Checks that {@code file} is a readable regular file that only its owner may access. On a file
   * system without POSIX permissions only existence and readability are checked.
   *
   * @param key the configuration key, named in the message
   * @throws TlsFileException one line naming {@code key}, the file and the problem
   */
  public static void requirePrivate(String key, Path file) {
    requireReadable(key, file);
    Set<PosixFilePermission> perms;
    try {
      perms = Files.getPosixFilePermissions(file);
    } catch (UnsupportedOperationException e) {
      return;
    } catch (IOException e) {
      throw new TlsFileException(key + " " + file + " cannot be read: " + e, e);
    }
    Set<PosixFilePermission> loose = EnumSet.noneOf(PosixFilePermission.class);
    loose.addAll(perms);
    loose.retainAll(NOT_OWNER);
    if (!loose.isEmpty()) {
      throw new TlsFileException(
          key
              + " "
              + file
              + " is accessible by group or others (mode "
              + PosixFilePermissions.toString(perms)
              + "); it holds a secret: chmod 600 it");
    }
  }

  /**
   * The first line of a private secret file (see {@link #requirePrivate}), without its line end.
   *
   * @throws TlsFileException one line naming {@code key}, the file and the problem
   */
  public static char[] firstLine(String key, Path file) {
    requirePrivate(key, file);
    try {
      String content = Files.readString(file, StandardCharsets.UTF_8);
      return content.lines().findFirst().orElse("").toCharArray();
    } catch (IOException e) {
      throw new TlsFileException(key + " " + file + " cannot be read: " + e, e);
    }
  }

  /**
   * @throws TlsFileException when {@code file} is missing, not a regular file or not readable
   */
  static void requireReadable(String key, Path file) {
    if (!Files.exists(file)) {
      throw new TlsFileException(key + " " + file + " does not exist");
    }
    if (!Files.isRegularFile(file)) {
      throw new TlsFileException(key + " " + file + " is not a regular file");
    }
    if (!Files.isReadable(file)) {
      throw new TlsFileException(key + " " + file + " is not readable by this user");
    }
  }
}
