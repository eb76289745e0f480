package org.affectgate.agent.egress;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.lang.reflect.Field;
import java.lang.reflect.Modifier;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
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
  void everySchemaTheEgressGateKnows_isInTheContract() throws IllegalAccessException {
    // every public constant of EgressSchema is a measurement the agent can sync: a new one that is
    // not added to DataContract.MEASUREMENTS fails here, naming it
    List<EgressSchema> declared = new ArrayList<>();
    for (Field f : EgressSchema.class.getFields()) {
      if (Modifier.isStatic(f.getModifiers()) && f.getType() == EgressSchema.class) {
        declared.add((EgressSchema) f.get(null));
      }
    }
    assertThat(declared).hasSizeGreaterThanOrEqualTo(7);
    assertThat(DataContract.MEASUREMENTS).containsExactlyInAnyOrderElementsOf(declared);
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
