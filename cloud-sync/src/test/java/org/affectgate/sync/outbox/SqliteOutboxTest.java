package org.affectgate.sync.outbox;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.affectgate.sync.Metric;
import org.affectgate.sync.testing.ManualClock;
import org.affectgate.sync.testing.Points;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SqliteOutboxTest {
  private static final long T0 = 1_700_000_000_000L;

  @TempDir Path dir;
  private final ManualClock clock = new ManualClock();
  private SimpleMeterRegistry registry;
  private OutboxConfig config;
  private SqliteOutbox outbox;

  @BeforeEach
  void open() {
    registry = new SimpleMeterRegistry();
    config = OutboxConfig.defaults(dir.resolve("sub/outbox.db"));
    outbox = SqliteOutbox.open(config, clock, registry);
  }

  @AfterEach
  void close() {
    outbox.close();
  }

  private void reopen(OutboxConfig newConfig) {
    outbox.close();
    config = newConfig;
    outbox = SqliteOutbox.open(config, clock, registry);
  }

  private static List<Long> ids(List<OutboxEntry> entries) {
    return entries.stream().map(OutboxEntry::id).toList();
  }

  private static List<String> lines(List<OutboxEntry> entries) {
    return entries.stream().map(OutboxEntry::line).toList();
  }

  private double counter(String name, String... tags) {
    return registry.get(name).tags(tags).counter().count();
  }

  @Test
  void enqueue_thenPeek_returnsOldestFirstAsLineProtocol() {
    List<Metric> points = Points.series("a", T0, 5);
    outbox.enqueue(points.subList(0, 3));
    clock.advance(Duration.ofSeconds(1));
    outbox.enqueue(points.subList(3, 5));

    List<OutboxEntry> peeked = outbox.peek(10);

    assertThat(lines(peeked))
        .containsExactlyElementsOf(points.stream().map(Metric::toLineProtocol).toList());
    assertThat(peeked).extracting(OutboxEntry::attempts).containsOnly(0);
    assertThat(peeked.get(0).enqueuedAtMs()).isEqualTo(peeked.get(3).enqueuedAtMs() - 1000);
    assertThat(outbox.peek(2)).hasSize(2);
  }

  @Test
  void ack_removesExactlyTheGivenIds() {
    outbox.enqueue(Points.series("a", T0, 4));
    List<OutboxEntry> all = outbox.peek(10);

    outbox.ack(List.of(all.get(0).id(), all.get(2).id(), 999_999L));

    assertThat(ids(outbox.peek(10))).containsExactly(all.get(1).id(), all.get(3).id());
    assertThat(outbox.stats().backlogCount()).isEqualTo(2);
  }

  @Test
  void discard_removesWithoutRememberingKeys_countedAsErasure() {
    List<Metric> points = Points.series("a", T0, 3);
    outbox.enqueue(points);
    List<OutboxEntry> all = outbox.peek(10);

    int removed = outbox.discard(List.of(all.get(1).id(), 999_999L));

    assertThat(removed).isEqualTo(1);
    assertThat(ids(outbox.peek(10))).containsExactly(all.get(0).id(), all.get(2).id());
    assertThat(outbox.stats().backlogCount()).isEqualTo(2);
    assertThat(counter("affectgate.outbox.dropped", "cause", "erasure")).isEqualTo(1.0);
    assertThat(outbox.enqueue(List.of(points.get(1))).added())
        .as("a discarded point was never synced, so its key does not block a new one")
        .isEqualTo(1);
  }

  @Test
  void enqueue_keyAlreadyPending_isIgnoredAndCounted() {
    outbox.enqueue(List.of(Points.hrv("a", T0, 70)));

    EnqueueResult again = outbox.enqueue(List.of(Points.hrv("a", T0, 71), Points.hrv("b", T0, 70)));

    assertThat(again.added()).isEqualTo(1);
    assertThat(again.duplicates()).isEqualTo(1);
    assertThat(lines(outbox.peek(10)))
        .containsExactly(
            Points.hrv("a", T0, 70).toLineProtocol(), Points.hrv("b", T0, 70).toLineProtocol());
    assertThat(counter("affectgate.outbox.duplicates")).isEqualTo(1.0);
  }

  @Test
  void enqueue_keySyncedWithinRetention_isIgnored() {
    outbox.enqueue(List.of(Points.hrv("a", T0, 70)));
    outbox.ack(ids(outbox.peek(10)));
    clock.advance(Duration.ofHours(47));

    EnqueueResult again = outbox.enqueue(List.of(Points.hrv("a", T0, 70)));

    assertThat(again.duplicates()).isEqualTo(1);
    assertThat(outbox.peek(10)).isEmpty();
  }

  @Test
  void enqueue_keySyncedBeyondRetention_isAcceptedAgain() {
    outbox.enqueue(List.of(Points.hrv("a", T0, 70)));
    outbox.ack(ids(outbox.peek(10)));
    clock.advance(Duration.ofHours(49));

    EnqueueResult again = outbox.enqueue(List.of(Points.hrv("a", T0, 70)));

    assertThat(again.added()).isEqualTo(1);
    assertThat(outbox.peek(10)).hasSize(1);
  }

  @Test
  void enqueue_overMaxBytes_dropsOldestFirstAndCounts() {
    List<Metric> points = Points.series("a", T0, 10);
    long lineBytes = points.get(0).toLineProtocol().getBytes(StandardCharsets.UTF_8).length;
    reopen(config.withMaxBytes(lineBytes * 4));

    outbox.enqueue(points.subList(0, 3));
    EnqueueResult result = outbox.enqueue(points.subList(3, 6));

    assertThat(result.droppedForBytes()).isEqualTo(2);
    assertThat(lines(outbox.peek(10)))
        .containsExactlyElementsOf(
            points.subList(2, 6).stream().map(Metric::toLineProtocol).toList());
    assertThat(outbox.stats().backlogBytes()).isEqualTo(lineBytes * 4);
    assertThat(counter("affectgate.outbox.dropped", "cause", "bytes")).isEqualTo(2.0);
  }

  @Test
  void peek_entriesOlderThanMaxAge_areDroppedAndCounted() {
    reopen(config.withMaxAge(Duration.ofHours(2)));
    outbox.enqueue(Points.series("old", T0, 3));
    clock.advance(Duration.ofHours(1));
    outbox.enqueue(Points.series("new", T0, 2));
    clock.advance(Duration.ofMinutes(61));

    List<OutboxEntry> left = outbox.peek(10);

    assertThat(left).hasSize(2).allMatch(e -> e.line().contains("site=new"));
    assertThat(counter("affectgate.outbox.dropped", "cause", "age")).isEqualTo(3.0);
    assertThat(outbox.stats().oldestAgeMs()).isEqualTo(Duration.ofMinutes(61).toMillis());
  }

  @Test
  void enqueue_entriesOlderThanMaxAge_areDroppedWithResult() {
    reopen(config.withMaxAge(Duration.ofHours(1)));
    outbox.enqueue(Points.series("old", T0, 3));
    clock.advance(Duration.ofHours(2));

    EnqueueResult result = outbox.enqueue(Points.series("new", T0, 1));

    assertThat(result.droppedForAge()).isEqualTo(3);
    assertThat(outbox.stats().backlogCount()).isEqualTo(1);
  }

  @Test
  void deadLetter_movesEntryOutOfPendingAndCounts() {
    outbox.enqueue(Points.series("a", T0, 3));
    List<OutboxEntry> all = outbox.peek(10);
    outbox.recordFailedAttempt(List.of(all.get(1).id()));
    clock.advance(Duration.ofSeconds(5));

    outbox.deadLetter(all.get(1), "unable to parse");

    assertThat(ids(outbox.peek(10))).containsExactly(all.get(0).id(), all.get(2).id());
    List<DeadLetter> dead = outbox.deadLetters(10);
    assertThat(dead).hasSize(1);
    assertThat(dead.get(0).line()).isEqualTo(all.get(1).line());
    assertThat(dead.get(0).error()).isEqualTo("unable to parse");
    assertThat(dead.get(0).attempts()).isEqualTo(1);
    assertThat(dead.get(0).deadAtMs() - dead.get(0).enqueuedAtMs()).isEqualTo(5000);
    assertThat(outbox.stats().deadLetterCount()).isEqualTo(1);
    assertThat(counter("affectgate.outbox.deadlettered")).isEqualTo(1.0);
  }

  @Test
  void stats_reportBacklogBytesAndOldestAge() {
    List<Metric> points = Points.series("a", T0, 3);
    long bytes =
        points.stream()
            .mapToLong(m -> m.toLineProtocol().getBytes(StandardCharsets.UTF_8).length)
            .sum();
    outbox.enqueue(points);
    clock.advance(Duration.ofSeconds(42));

    OutboxStats stats = outbox.stats();

    assertThat(stats).isEqualTo(new OutboxStats(3, bytes, 42_000, 0));
    assertThat(registry.get("affectgate.outbox.backlog").gauge().value()).isEqualTo(3.0);
    assertThat(registry.get("affectgate.outbox.oldest.age.ms").gauge().value()).isEqualTo(42_000);
  }

  @Test
  void reopen_afterClose_keepsPendingSyncedKeysAndDeadLetters() {
    outbox.enqueue(Points.series("a", T0, 4));
    List<OutboxEntry> all = outbox.peek(10);
    outbox.ack(List.of(all.get(0).id()));
    outbox.deadLetter(all.get(1), "bad");

    reopen(config);

    assertThat(outbox.peek(10)).containsExactlyElementsOf(all.subList(2, 4));
    assertThat(outbox.deadLetters(10)).hasSize(1);
    assertThat(outbox.enqueue(Points.series("a", T0, 1)).duplicates()).isEqualTo(1);
    assertThat(outbox.stats().backlogCount()).isEqualTo(2);
    assertThat(outbox.stats().deadLetterCount()).isEqualTo(1);
  }

  @Test
  void ids_areNotReusedAfterTheNewestIsAcked() {
    outbox.enqueue(Points.series("a", T0, 2));
    List<OutboxEntry> first = outbox.peek(10);
    outbox.ack(ids(first));

    outbox.enqueue(Points.series("b", T0, 1));

    assertThat(outbox.peek(10).get(0).id()).isGreaterThan(first.get(1).id());
  }

  @Test
  void open_fileThatIsNotADatabase_failsNamingThePath() throws Exception {
    Path bogus = dir.resolve("bogus.db");
    Files.write(
        bogus, "this is not a database at all ".repeat(200).getBytes(StandardCharsets.UTF_8));

    assertThatThrownBy(
            () -> SqliteOutbox.open(OutboxConfig.defaults(bogus), clock, new SimpleMeterRegistry()))
        .isInstanceOf(OutboxException.class)
        .hasMessageContaining(bogus.toAbsolutePath().toString());
  }

  @Test
  void close_thenEnqueue_failsWithIllegalState() {
    outbox.close();

    assertThatThrownBy(() -> outbox.enqueue(Points.series("a", T0, 1)))
        .isInstanceOf(IllegalStateException.class);
  }
}
