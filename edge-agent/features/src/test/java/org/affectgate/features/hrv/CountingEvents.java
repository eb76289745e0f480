package org.affectgate.features.hrv;

import java.util.EnumMap;
import java.util.List;
import java.util.Map;

/**
 * {@link HrvEvents} that counts what it is told, for assertions. Single-threaded, as the engine.
 */
final class CountingEvents implements HrvEvents {
  long late;

  /** Arguments of the last {@link #lateSample}: site, timestamp, closed-up-to. */
  List<Object> lastLate = List.of();

  long evicted;
  long overflowedBeats;
  final Map<ArtifactRule, Long> artifacts = new EnumMap<>(ArtifactRule.class);
  final Map<SkipReason, Long> skipped = new EnumMap<>(SkipReason.class);

  @Override
  public void lateSample(String site, long timestampMs, long closedUpToMs) {
    late++;
    lastLate = List.of(site, timestampMs, closedUpToMs);
  }

  @Override
  public void artifact(ArtifactRule rule) {
    artifacts.merge(rule, 1L, Long::sum);
  }

  @Override
  public void windowSkipped(SkipReason reason) {
    skipped.merge(reason, 1L, Long::sum);
  }

  @Override
  public void subjectEvicted() {
    evicted++;
  }

  @Override
  public void beatsOverflowed(int beats) {
    overflowedBeats += beats;
  }

  long artifacts(ArtifactRule rule) {
    return artifacts.getOrDefault(rule, 0L);
  }

  long skipped(SkipReason reason) {
    return skipped.getOrDefault(reason, 0L);
  }
}
