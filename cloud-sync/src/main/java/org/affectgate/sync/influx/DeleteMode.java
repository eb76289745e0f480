package org.affectgate.sync.influx;

/**
 * How {@link InfluxSink} carries out a cloud deletion ({@code sync.deleteMode}).
 *
 * <ul>
 *   <li>{@link #INFLUX} ({@code influx}, the default): InfluxDB v2 predicate delete, {@code POST
 *       /api/v2/delete?org=..&bucket=..} through influxdb-client-java's {@code DeleteApi}.
 *   <li>{@link #VICTORIA_METRICS} ({@code victoria-metrics}): {@code POST
 *       /api/v1/admin/tsdb/delete_series} with a {@code match[]} series selector.
 *   <li>{@link #NONE} ({@code none}): the server cannot delete (e.g. InfluxDB 3 Core, QuestDB);
 *       every deletion is recorded as unsupported and the bucket's retention period is the only
 *       removal.
 * </ul>
 */
public enum DeleteMode {
  INFLUX("influx"),
  VICTORIA_METRICS("victoria-metrics"),
  NONE("none");

  private final String key;

  DeleteMode(String key) {
    this.key = key;
  }

  /** The YAML value, e.g. {@code victoria-metrics}. */
  public String key() {
    return key;
  }

  /**
   * Parses a {@code sync.deleteMode} value, case-insensitively.
   *
   * @throws IllegalArgumentException naming the key and the allowed values
   */
  public static DeleteMode parse(String value) {
    if (value != null) {
      for (DeleteMode m : values()) {
        if (m.key.equalsIgnoreCase(value.trim())) {
          return m;
        }
      }
    }
    throw new IllegalArgumentException(
        "sync.deleteMode must be influx, victoria-metrics or none (got " + value + ")");
  }
}
