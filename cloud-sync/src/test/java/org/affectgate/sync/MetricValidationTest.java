package org.affectgate.sync;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;

/**
 * The constructor's character checks (loops since the fleet simulation's profile, issue 13) accept
 * exactly what the documented expressions {@code [A-Za-z0-9_]+} (names) and {@code [A-Za-z0-9_.-]+}
 * (tag values) accept.
 */
class MetricValidationTest {
  static final List<String> CANDIDATES =
      List.of(
          "a",
          "Z9_",
          "site-001",
          "v1.2.0",
          "",
          " ",
          "a b",
          "a=b",
          "a,b",
          "a\"b",
          "é",
          "a\nb",
          "a.b",
          "a-b",
          "_",
          "0",
          "ß",
          "a\\b",
          "a/b",
          "\u0000");

  static Metric metric(String measurement, String tagKey, String tagValue, String field) {
    return new Metric(
        measurement, new TreeMap<>(Map.of(tagKey, tagValue)), new TreeMap<>(Map.of(field, 1.0)), 0);
  }

  static boolean accepted(Runnable r) {
    try {
      r.run();
      return true;
    } catch (IllegalArgumentException e) {
      return false;
    }
  }

  @Test
  void namesAndTagValues_acceptExactlyTheDocumentedCharacters() {
    for (String s : CANDIDATES) {
      boolean name = s.matches("[A-Za-z0-9_]+");
      boolean value = s.matches("[A-Za-z0-9_.-]+");
      assertThat(accepted(() -> metric(s, "t", "v", "f")))
          .as("measurement '%s'", s)
          .isEqualTo(name);
      assertThat(accepted(() -> metric("m", s, "v", "f"))).as("tag key '%s'", s).isEqualTo(name);
      assertThat(accepted(() -> metric("m", "t", s, "f"))).as("tag value '%s'", s).isEqualTo(value);
      assertThat(accepted(() -> metric("m", "t", "v", s))).as("field '%s'", s).isEqualTo(name);
    }
  }

  @Test
  void aRefusedName_isNamedInTheMessage() {
    assertThatThrownBy(() -> metric("m", "t", "a b", "f"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("tag t=a b has characters outside [A-Za-z0-9_.-]");
  }
}
