package org.affectgate.agent.hq;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class FleetSimArgsTest {
  private static final String URL = "--url http://127.0.0.1:8428 ";

  @ParameterizedTest
  @CsvSource(
      delimiter = '|',
      value = {
        "--gateways 0|--gateways must be between 1 and 5000 (got 0)",
        "--gateways many|--gateways must be a whole number (got many)",
        "--days -3|--days must be between 1 and 400 (got -3)",
        "--threads 1000|--threads must be between 1 and 64 (got 1000)",
        "--gateways 2 --silent 3|--silent must be between 0 and 2 (got 3)",
        "--days 1 --silent-minutes 5000|--silent-minutes must be between 0 and the simulated span",
        "--end yesterday|--end must be an ISO instant",
        "--report maybe|--report must be true or false (got maybe)",
        "--frobnicate 1|unknown option --frobnicate",
        "--days|--days needs a value",
        "--batch 0|--batch must be between 1 and 100000 (got 0)",
        "--flush-minutes 2000|--flush-minutes must be between 1 and 1440 (got 2000)",
        "--gateways 3 --faults true|--faults true needs at least 6 gateways (got 3)",
        "--write perhaps|--write must be true or false (got perhaps)"
      })
  void nonsense_isRefusedWithOneLineNamingTheOption(String args, String message) {
    assertThatThrownBy(() -> FleetSim.Options.parse((URL + args).split(" ")))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining(message)
        .hasMessageNotContaining("\n");
  }

  @Test
  void missingOrBadUrl_isRefused() {
    assertThatThrownBy(() -> FleetSim.Options.parse(new String[] {"--gateways", "3"}))
        .hasMessage("--url is required, e.g. --url http://127.0.0.1:8428");
    assertThatThrownBy(() -> FleetSim.Options.parse(new String[] {"--url", "localhost:8428"}))
        .hasMessageStartingWith("--url must be http(s)://host:port");
  }

  @Test
  void sensibleArguments_parse() {
    FleetSim.Options o =
        FleetSim.Options.parse(
            (URL
                    + "--gateways 500 --days 30 --threads 2 --silent 1 --end 2026-12-07T12:00:30Z"
                    + " --batch 5000 --flush-minutes 360 --write false")
                .split(" "));
    assertThat(o.batch()).isEqualTo(5000);
    assertThat(o.flushMinutes()).isEqualTo(360);
    assertThat(o.write()).isFalse();
    assertThat(o.gateways()).isEqualTo(500);
    assertThat(o.span()).hasDays(30);
    assertThat(o.end()).hasToString("2026-12-07T12:00:00Z");
  }
}
