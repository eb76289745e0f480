package org.affectgate.agent.respond;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.HashMap;
import java.util.Map;
import java.util.Set;

/**
 * The per-kiosk bearer tokens of the state stream ({@code respond.kioskTokens.<kioskId>}): one file
 * per kiosk holding one token of {@value #MIN_LENGTH} to 256 characters {@code [A-Za-z0-9._~+/=-]}
 * (surrounding whitespace ignored). A kiosk's token opens that kiosk's stream only; the admin token
 * opens none. Immutable and thread-safe after {@link #load}.
 */
final class KioskTokens {
  static final int MIN_LENGTH = 24;
  private static final String CHARS = "[A-Za-z0-9._~+/=-]{" + MIN_LENGTH + ",256}";

  private final Map<String, byte[]> tokens;

  private KioskTokens(Map<String, byte[]> tokens) {
    this.tokens = tokens;
  }

  /**
   * Reads every token file, at start-up.
   *
   * @throws IllegalArgumentException naming {@code respond.kioskTokens.<kioskId>} and the file when
   *     a file is missing, unreadable or holds no valid token
   */
  static KioskTokens load(Map<String, Path> files) {
    Map<String, byte[]> out = new HashMap<>();
    files.forEach(
        (kiosk, file) -> {
          String key = "respond.kioskTokens." + kiosk;
          String text;
          try {
            text = Files.readString(file, StandardCharsets.UTF_8).strip();
          } catch (IOException | RuntimeException e) {
            throw new IllegalArgumentException(
                key
                    + ": cannot read token file "
                    + file
                    + " ("
                    + e.getClass().getSimpleName()
                    + ")");
          }
          if (!text.matches(CHARS)) {
            throw new IllegalArgumentException(
                key
                    + ": token file "
                    + file
                    + " must hold one token of "
                    + MIN_LENGTH
                    + "..256 characters [A-Za-z0-9._~+/=-]");
          }
          out.put(kiosk, text.getBytes(StandardCharsets.UTF_8));
        });
    return new KioskTokens(Map.copyOf(out));
  }

  /** Kiosks that have a token. */
  Set<String> kiosks() {
    return tokens.keySet();
  }

  boolean has(String kioskId) {
    return tokens.containsKey(kioskId);
  }

  /** Whether {@code presented} is {@code kioskId}'s token; constant time in the token's length. */
  boolean matches(String kioskId, String presented) {
    byte[] t = tokens.get(kioskId);
    return t != null
        && presented != null
        && MessageDigest.isEqual(t, presented.getBytes(StandardCharsets.UTF_8));
  }
}
