package org.affectgate.agent.consent;

import java.util.Map;
import java.util.SortedMap;
import java.util.TreeMap;
import java.util.stream.Collectors;

/**
 * The scope text of a ledger entry: {@code key=value} pairs sorted by key, joined by {@code ;}.
 * Keys and values follow {@link ConsentIds#ID_REGEX}, so the text never contains {@code |}.
 */
final class Scope {
  static final String DEVICE = "device";
  static final String SITE = "site";
  static final String PROGRAMME = "programme";

  /** A kiosk grant's own {@code ts} (epoch ms, the kiosk's clock): what makes a delivery unique. */
  static final String TS = "ts";

  private Scope() {}

  static String render(Map<String, String> pairs) {
    return new TreeMap<>(pairs)
        .entrySet().stream()
            .filter(e -> e.getValue() != null)
            .map(e -> e.getKey() + "=" + e.getValue())
            .collect(Collectors.joining(";"));
  }

  static SortedMap<String, String> parse(String scope) {
    SortedMap<String, String> out = new TreeMap<>();
    if (scope.isEmpty()) {
      return out;
    }
    for (String pair : scope.split(";")) {
      int eq = pair.indexOf('=');
      if (eq > 0) {
        out.put(pair.substring(0, eq), pair.substring(eq + 1));
      }
    }
    return out;
  }
}
