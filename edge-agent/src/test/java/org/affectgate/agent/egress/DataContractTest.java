package org.affectgate.agent.egress;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

class DataContractTest {
  /** The committed contract, relative to the edge-agent module (surefire's working directory). */
  static final Path FILE = Path.of("docs", "data-contract.md");

  @Test
  void committedContract_equalsWhatTheSchemaRenders() throws IOException {
    String generated = DataContract.render();
    if (Boolean.getBoolean("affectgate.contract.write")) {
      Files.writeString(FILE, generated, StandardCharsets.UTF_8);
    }
    assertThat(Files.exists(FILE))
        .as("%s missing: rerun with -Daffectgate.contract.write=true", FILE.toAbsolutePath())
        .isTrue();
    assertThat(Files.readString(FILE, StandardCharsets.UTF_8))
        .as(
            "%s differs from DataContract.render(); rerun this test with"
                + " -Daffectgate.contract.write=true and commit the file",
            FILE)
        .isEqualTo(generated);
  }

  @Test
  void everyAllowListedSchemaOfTheAgent_isInTheContract() {
    // the measurements the agent's Stores hand the gate (plus gateway_health) are all documented
    assertThat(DataContract.MEASUREMENTS)
        .contains(
            EgressSchema.HRV_WINDOW,
            EgressSchema.HRV_STRESS_WINDOW,
            EgressSchema.HRV_SUBJECT_WINDOW,
            EgressSchema.FACE_EXPRESSION_WINDOW,
            EgressSchema.VOICE_WINDOW,
            EgressSchema.GATEWAY_HEALTH);
    assertThat(DataContract.problems(DataContract.MEASUREMENTS)).isEmpty();
  }

  @Test
  void render_undocumentedSchema_namesTheMeasurement() {
    EgressSchema bare =
        new EgressSchema("kiosk_new_daily", Set.of("site"), Set.of("sessions"), "sessions");
    assertThatThrownBy(() -> DataContract.render(List.of(bare)))
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("kiosk_new_daily: no MeasurementDoc");
  }

  @Test
  void render_fieldWithoutDescription_namesTheField() {
    EgressSchema extra =
        new EgressSchema(
                "voice_window",
                EgressSchema.VOICE_WINDOW.tagKeys(),
                Set.of("sessions", "loudness_db"),
                "sessions")
            .documented(MeasurementDocs.VOICE_WINDOW);
    assertThat(DataContract.problems(List.of(extra)))
        .contains("voice_window: field loudness_db is not described")
        .anyMatch(p -> p.contains("described field segments is not in the schema"));
  }

  @Test
  void schema_unknownMeasurement_namesTheKnownOnes() {
    assertThatThrownBy(() -> DataContract.schema("hrv_windows"))
        .hasMessageContaining("unknown measurement hrv_windows")
        .hasMessageContaining("hrv_window,");
  }
}
