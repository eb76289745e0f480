package org.affectgate.sync.outbox;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;

/**
 * At most {@link #MAX} row ids, bound as one {@code WHERE id IN (?, …)} list: statements over an id
 * list of any length run once per chunk, keeping well below SQLite's bound-parameter limit.
 *
 * @param ids the chunk's ids, in the caller's order (duplicates are kept)
 */
record IdChunk(List<Long> ids) {
  /** Ids per chunk. */
  static final int MAX = 500;

  IdChunk {
    ids = List.copyOf(ids);
  }

  /** {@code ids} in order, {@link #MAX} per chunk; none for an empty collection. */
  static List<IdChunk> split(Collection<Long> ids) {
    List<Long> all = List.copyOf(ids);
    List<IdChunk> out = new ArrayList<>((all.size() + MAX - 1) / MAX);
    for (int from = 0; from < all.size(); from += MAX) {
      out.add(new IdChunk(all.subList(from, Math.min(all.size(), from + MAX))));
    }
    return out;
  }

  /**
   * Prepares {@code sql + " WHERE id IN (?, …)"} and binds {@code leading} to the parameters of
   * {@code sql}, then this chunk's ids. The caller closes the statement.
   */
  PreparedStatement prepare(Connection c, String sql, long... leading) throws SQLException {
    StringBuilder text = new StringBuilder(sql).append(" WHERE id IN (");
    for (int i = 0; i < ids.size(); i++) {
      text.append(i == 0 ? "?" : ",?");
    }
    PreparedStatement ps = c.prepareStatement(text.append(')').toString());
    try {
      for (int i = 0; i < leading.length; i++) {
        ps.setLong(i + 1, leading[i]);
      }
      for (int i = 0; i < ids.size(); i++) {
        ps.setLong(leading.length + i + 1, ids.get(i));
      }
      return ps;
    } catch (SQLException e) {
      ps.close();
      throw e;
    }
  }

  /** Runs {@link #prepare}'s statement as an update; returns the rows changed. */
  int update(Connection c, String sql, long... leading) throws SQLException {
    try (PreparedStatement ps = prepare(c, sql, leading)) {
      return ps.executeUpdate();
    }
  }
}
