package org.affectgate.features.hrv;

import java.util.ArrayList;
import java.util.List;

/** One subject's beats (sorted by end time) and artifact memory. Event-loop confined. */
final class SubjectState {
  final RrArtifactFilter.History history;
  final ArrayList<Beat> beats = new ArrayList<>();
  String site;
  String programme;
  long lastBeatEndMs = Long.MIN_VALUE;

  SubjectState(RrArtifactFilter.History history, String site, String programme) {
    this.history = history;
    this.site = site;
    this.programme = programme;
  }

  /** Inserts keeping end-time order; equal end times keep arrival order. */
  void insert(Beat beat) {
    int i = beats.size();
    while (i > 0 && beats.get(i - 1).endMs() > beat.endMs()) {
      i--;
    }
    beats.add(i, beat);
    lastBeatEndMs = Math.max(lastBeatEndMs, beat.endMs());
  }

  /** Drops beats ending before {@code minEndMs}; returns how many. */
  int dropBefore(long minEndMs) {
    int n = TimeDomain.firstAtOrAfter(beats, minEndMs);
    dropOldest(n);
    return n;
  }

  void dropOldest(int n) {
    if (n > 0) {
      beats.subList(0, n).clear();
    }
  }

  List<Beat> beats() {
    return beats;
  }
}
