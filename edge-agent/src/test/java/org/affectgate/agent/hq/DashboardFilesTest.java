package org.affectgate.agent.hq;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** The committed Grafana and vmalert files: generated, parseable, self-consistent, loadable. */
class DashboardFilesTest {
  static final Path HQ = PanelQueries.HQ;
  static final ObjectMapper JSON = new ObjectMapper();
  static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory());

  @Test
  void committedDashboards_equalWhatTheGeneratorRenders() throws IOException {
    if (Boolean.getBoolean("affectgate.dashboards.write")) {
      Dashboards.write(PanelQueries.DASHBOARDS);
    }
    for (Map.Entry<String, String> e : Dashboards.render().entrySet()) {
      Path f = PanelQueries.DASHBOARDS.resolve(e.getKey());
      assertThat(Files.exists(f) ? Files.readString(f) : "(missing)")
          .as(
              "%s differs from Dashboards.render(); rerun with -Daffectgate.dashboards.write=true",
              f)
          .isEqualTo(e.getValue());
    }
  }

  @Test
  void dashboards_parse_uidsUnique_everyDatasourceResolves() throws IOException {
    JsonNode provisioned =
        YAML.readTree(HQ.resolve("grafana/provisioning/datasources/affectgate.yaml").toFile());
    Map<String, String> typeByUid = new HashMap<>();
    for (JsonNode ds : provisioned.get("datasources")) {
      typeByUid.put(ds.get("uid").asText(), ds.get("type").asText());
    }
    assertThat(typeByUid).containsKeys(Dashboards.VM_UID, Dashboards.INFLUX_UID);

    Set<String> uids = new HashSet<>();
    List<String> problems = new ArrayList<>();
    int files = 0;
    try (var walk = Files.walk(PanelQueries.DASHBOARDS)) {
      for (Path f : walk.filter(p -> p.toString().endsWith(".json")).sorted().toList()) {
        files++;
        JsonNode d = JSON.readTree(f.toFile());
        if (!uids.add(d.get("uid").asText())) {
          problems.add(f + ": uid " + d.get("uid").asText() + " is not unique");
        }
        Set<Integer> panelIds = new HashSet<>();
        for (JsonNode v : d.at("/templating/list")) {
          checkDatasource(f + " variable " + v.get("name").asText(), v, typeByUid, problems);
        }
        for (JsonNode p : d.get("panels")) {
          if (!panelIds.add(p.get("id").asInt())) {
            problems.add(f + ": panel id " + p.get("id") + " repeated");
          }
          String where = f + " panel " + p.get("title").asText();
          checkDatasource(where, p, typeByUid, problems);
          assertThat(p.get("targets")).as(where).isNotEmpty();
          for (JsonNode t : p.get("targets")) {
            checkDatasource(where + " " + t.get("refId").asText(), t, typeByUid, problems);
            String query = t.has("expr") ? t.get("expr").asText() : t.get("query").asText();
            if (t.has("expr")) {
              PanelQueries.unknownSeries(query).forEach(u -> problems.add(where + ": " + u));
            }
          }
        }
      }
    }
    assertThat(files).isEqualTo(6);
    assertThat(problems).isEmpty();
  }

  private static void checkDatasource(
      String where, JsonNode node, Map<String, String> typeByUid, List<String> problems) {
    JsonNode ds = node.get("datasource");
    String uid = ds == null ? null : ds.path("uid").asText(null);
    if (uid == null || !typeByUid.containsKey(uid)) {
      problems.add(where + ": datasource uid " + uid + " is not provisioned");
    } else if (!typeByUid.get(uid).equals(ds.path("type").asText())) {
      problems.add(where + ": datasource " + uid + " is not of type " + ds.path("type").asText());
    }
  }

  @Test
  void unknownSeries_typoInAMeasurementOrField_isNamed() {
    assertThat(PanelQueries.unknownSeries("max(gateway_health_outbox_dept{site=~\"$site\"})"))
        .containsExactly(
            "series gateway_health_outbox_dept is no <measurement>_<field> of the data contract"
                + " (edge-agent/docs/data-contract.md)");
    assertThat(PanelQueries.unknownSeries("avg(hrv_windw_hr_mean{})")).hasSize(1);
    assertThat(PanelQueries.unknownSeries("avg(hrv_window_hr_mean{})")).isEmpty();
  }

  @Test
  void vmalertRules_loadInRealVmalert() throws Exception {
    Process p =
        new ProcessBuilder(
                "/usr/bin/vmalert", "-rule=" + HQ.resolve("vmalert/rules.yml"), "-dryRun")
            .redirectErrorStream(true)
            .start();
    String out = new String(p.getInputStream().readAllBytes());
    assertThat(p.waitFor(30, TimeUnit.SECONDS)).isTrue();
    assertThat(p.exitValue()).as(out).isZero();
    assertThat(out).doesNotContain("fatal");
  }
}
