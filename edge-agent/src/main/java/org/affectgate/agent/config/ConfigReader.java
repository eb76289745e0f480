package org.affectgate.agent.config;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.MissingNode;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.Iterator;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * Typed, key-named access to a parsed YAML tree. Every read takes the dotted key as written in the
 * file ({@code outbox.maxBytes}) and a default; a value of the wrong type fails with a {@link
 * ConfigException} naming the key. Keys that were never read are reported by {@link
 * #unknownKeys()}, so a misspelt key is an error rather than a silently ignored setting.
 *
 * <p>Not thread-safe; used once at start-up.
 */
final class ConfigReader {
  private final JsonNode root;
  private final Set<String> read = new HashSet<>();

  ConfigReader(JsonNode root) {
    this.root = root == null || root.isNull() ? MissingNode.getInstance() : root;
    if (!this.root.isMissingNode() && !this.root.isObject()) {
      throw new ConfigException("the configuration must be a YAML mapping at the top level");
    }
  }

  String string(String key, String dflt) {
    JsonNode n = node(key);
    if (n.isMissingNode() || n.isNull()) {
      return dflt;
    }
    if (!n.isValueNode() || n.isBinary()) {
      throw new ConfigException(key + " must be a text value (got " + n.getNodeType() + ")");
    }
    return n.asText();
  }

  /**
   * A list of text values ({@code [a, b, c]}); a single text value is split on whitespace (so
   * arguments cannot contain spaces that way).
   */
  List<String> strings(String key, List<String> dflt) {
    JsonNode n = node(key);
    if (n.isMissingNode() || n.isNull()) {
      return dflt;
    }
    if (n.isTextual()) {
      String t = n.asText().trim();
      return t.isEmpty() ? List.of() : List.of(t.split("\\s+"));
    }
    if (!n.isArray()) {
      throw new ConfigException(
          key + " must be a list of text values (got " + n.getNodeType() + ")");
    }
    List<String> out = new ArrayList<>();
    for (JsonNode e : n) {
      if (!e.isValueNode() || e.isNull() || e.isBinary()) {
        throw new ConfigException(
            key + " must be a list of text values (got an element " + e.getNodeType() + ")");
      }
      out.add(e.asText());
    }
    return out;
  }

  long integer(String key, long dflt) {
    JsonNode n = node(key);
    if (n.isMissingNode() || n.isNull()) {
      return dflt;
    }
    if (n.isIntegralNumber()) {
      return n.asLong();
    }
    if (n.isTextual()) {
      try {
        return Long.parseLong(n.asText().trim());
      } catch (NumberFormatException e) {
        // fall through to the error below
      }
    }
    throw new ConfigException(key + " must be a whole number (got " + n.asText() + ")");
  }

  int int32(String key, int dflt) {
    long v = integer(key, dflt);
    if (v < Integer.MIN_VALUE || v > Integer.MAX_VALUE) {
      throw new ConfigException(key + " is out of range (got " + v + ")");
    }
    return (int) v;
  }

  double number(String key, double dflt) {
    JsonNode n = node(key);
    if (n.isMissingNode() || n.isNull()) {
      return dflt;
    }
    if (n.isNumber()) {
      return n.asDouble();
    }
    if (n.isTextual()) {
      try {
        return Double.parseDouble(n.asText().trim());
      } catch (NumberFormatException e) {
        // fall through to the error below
      }
    }
    throw new ConfigException(key + " must be a number (got " + n.asText() + ")");
  }

  boolean bool(String key, boolean dflt) {
    JsonNode n = node(key);
    if (n.isMissingNode() || n.isNull()) {
      return dflt;
    }
    if (n.isBoolean()) {
      return n.asBoolean();
    }
    String s = n.asText().trim().toLowerCase(Locale.ROOT);
    if (s.equals("true") || s.equals("false")) {
      return Boolean.parseBoolean(s);
    }
    throw new ConfigException(key + " must be true or false (got " + n.asText() + ")");
  }

  Duration seconds(String key, Duration dflt) {
    return Duration.ofMillis(Math.round(number(key, dflt.toMillis() / 1000.0) * 1000.0));
  }

  Duration millis(String key, Duration dflt) {
    return Duration.ofMillis(integer(key, dflt.toMillis()));
  }

  Path path(String key, Path dflt) {
    String s = string(key, null);
    return s == null ? dflt : Path.of(s);
  }

  <E extends Enum<E>> E enumValue(String key, Class<E> type, E dflt) {
    String s = string(key, null);
    if (s == null) {
      return dflt;
    }
    for (E e : type.getEnumConstants()) {
      if (e.name().equalsIgnoreCase(s.trim().replace('-', '_'))) {
        return e;
      }
    }
    List<String> names = new ArrayList<>();
    for (E e : type.getEnumConstants()) {
      names.add(e.name().toLowerCase(Locale.ROOT).replace('_', '-'));
    }
    throw new ConfigException(key + " must be one of " + names + " (got " + s + ")");
  }

  /**
   * The names of the entries of mapping {@code key}, in file order (none when absent); reading each
   * as {@code key.name} marks it read.
   */
  List<String> childNames(String key) {
    JsonNode n = root;
    for (String part : key.split("\\.")) {
      n = n.path(part);
    }
    if (n.isMissingNode() || n.isNull()) {
      return List.of();
    }
    if (!n.isObject()) {
      throw new ConfigException(key + " must be a mapping (got " + n.getNodeType() + ")");
    }
    List<String> out = new ArrayList<>();
    n.fieldNames().forEachRemaining(out::add);
    return out;
  }

  /** Dotted keys present in the file that no read asked for, in file order. */
  List<String> unknownKeys() {
    List<String> unknown = new ArrayList<>();
    collect(root, "", unknown);
    return unknown;
  }

  private void collect(JsonNode n, String prefix, List<String> out) {
    if (!n.isObject()) {
      if (!prefix.isEmpty() && !read.contains(prefix)) {
        out.add(prefix);
      }
      return;
    }
    Iterator<String> names = n.fieldNames();
    while (names.hasNext()) {
      String name = names.next();
      collect(n.get(name), prefix.isEmpty() ? name : prefix + "." + name, out);
    }
  }

  private JsonNode node(String key) {
    read.add(key);
    JsonNode n = root;
    for (String part : key.split("\\.")) {
      n = n.path(part);
    }
    return n;
  }
}
