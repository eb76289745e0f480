package org.affectgate.device.ingest;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class RejectionRecorderTest {
  @Test
  void sanitise_controlCharsAndLongTopics_areNeutralised() {
    assertThat(RejectionRecorder.sanitise("a\nb\u00e9")).isEqualTo("a?b?");
    assertThat(RejectionRecorder.sanitise("x".repeat(500))).hasSize(131).endsWith("...");
  }
}
