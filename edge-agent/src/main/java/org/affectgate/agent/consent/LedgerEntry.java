package org.affectgate.agent.consent;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;

/**
 * One entry of the consent ledger. Entries form a hash chain: {@code hash = SHA-256(canonical
 * text)} where the canonical text is {@code seq|atMs|kind|subject|purpose|scope|expiresMs|prevHash}
 * ({@code -} for no expiry) and {@code prevHash} is the previous entry's hash ({@link #GENESIS} for
 * the first). No field can contain {@code |}, so the text is unambiguous.
 *
 * @param seq position in the ledger, 1, 2, 3, … without gaps
 * @param atMs when it happened, epoch ms
 * @param subject subject pseudonym ({@link SubjectPseudonyms})
 * @param purpose e.g. {@value Purposes#WELLNESS_HR}; {@value Purposes#ALL} for an erase
 * @param scope {@code key=value;…} sorted by key, e.g. {@code device=hr-7;programme=p;site=s1}
 * @param expiresMs expiry of a grant, epoch ms, or {@code null}
 */
public record LedgerEntry(
    long seq,
    long atMs,
    EntryKind kind,
    String subject,
    String purpose,
    String scope,
    Long expiresMs,
    String prevHash,
    String hash) {

  /** The previous hash of the first entry. */
  public static final String GENESIS = "0".repeat(64);

  /** The hash these fields must carry. */
  public static String hashOf(
      long seq,
      long atMs,
      EntryKind kind,
      String subject,
      String purpose,
      String scope,
      Long expiresMs,
      String prevHash) {
    String text =
        seq
            + "|"
            + atMs
            + "|"
            + kind.name()
            + "|"
            + subject
            + "|"
            + purpose
            + "|"
            + scope
            + "|"
            + (expiresMs == null ? "-" : expiresMs.toString())
            + "|"
            + prevHash;
    try {
      MessageDigest sha = MessageDigest.getInstance("SHA-256");
      return HexFormat.of().formatHex(sha.digest(text.getBytes(StandardCharsets.UTF_8)));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("SHA-256 is part of every Java 17 runtime", e);
    }
  }

  /** Whether {@link #hash} matches the other fields. */
  public boolean hashMatches() {
    return hash.equals(hashOf(seq, atMs, kind, subject, purpose, scope, expiresMs, prevHash));
  }
}
