package org.affectgate.agent.consent;

import java.util.Optional;
import java.util.regex.Pattern;

/**
 * Identifier rules. Participant ids are pseudonyms ({@value #PARTICIPANT_REGEX}); device, site and
 * programme ids follow the MQTT topic rules ({@value #ID_REGEX}), which also makes site and
 * programme valid metric tag values.
 */
public final class ConsentIds {
  public static final String PARTICIPANT_REGEX = "[A-Za-z0-9_-]{1,64}";
  public static final String ID_REGEX = "[A-Za-z0-9_.-]{1,64}";
  private static final Pattern PARTICIPANT = Pattern.compile(PARTICIPANT_REGEX);
  private static final Pattern ID = Pattern.compile(ID_REGEX);

  private ConsentIds() {}

  /** A message naming {@code field} when {@code value} is not a valid participant id. */
  public static Optional<String> participantProblem(String field, String value) {
    return check(field, value, PARTICIPANT, PARTICIPANT_REGEX);
  }

  /** A message naming {@code field} when {@code value} is not a valid device/site/programme id. */
  public static Optional<String> idProblem(String field, String value) {
    return check(field, value, ID, ID_REGEX);
  }

  private static Optional<String> check(String field, String value, Pattern pattern, String regex) {
    if (value == null) {
      return Optional.of(field + " is required");
    }
    if (!pattern.matcher(value).matches()) {
      return Optional.of(field + " must match " + regex);
    }
    return Optional.empty();
  }

  static void requireParticipant(String value) {
    participantProblem("participant", value).ifPresent(ConsentIds::fail);
  }

  static void requireId(String field, String value) {
    idProblem(field, value).ifPresent(ConsentIds::fail);
  }

  private static void fail(String message) {
    throw new IllegalArgumentException(message);
  }
}
