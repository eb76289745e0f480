package org.affectgate.demo;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.PrintWriter;
import java.io.StringWriter;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

/** The demo jar's command line: the agent's subcommands plus {@code demo}, documented options. */
class DemoCliTest {
  final StringWriter out = new StringWriter();
  final StringWriter err = new StringWriter();

  private int run(String... args) {
    CommandLine cli = DemoCli.commandLine();
    cli.setOut(new PrintWriter(out, true));
    cli.setErr(new PrintWriter(err, true));
    return cli.execute(args);
  }

  @Test
  void commandLine_offersDemoBesideTheAgentsSubcommands() {
    assertThat(DemoCli.commandLine().getSubcommands().keySet())
        .contains("demo", "run", "check-config", "consent");
  }

  @Test
  void demoUsage_listsTheDocumentedOptions() {
    assertThat(DemoCli.commandLine().getSubcommands().get("demo").getUsageMessage())
        .contains("Usage: affectgate demo")
        .contains("--data-dir", "--mqtt-port", "--http-port", "--duration", "--withdraw-after")
        .contains("--influx-url", "--influx-org", "--influx-bucket", "--influx-token-file")
        .contains("--camera-dir", "--camera-fps", "--camera-repeat", "--webcam")
        .contains("--camera-command", "--models", "--verbose");
  }

  @Test
  void demo_acceptsTheInheritedVerboseOption() {
    CommandLine.ParseResult parsed =
        DemoCli.commandLine().parseArgs("demo", "--verbose", "--duration", "40");
    assertThat(parsed.subcommand().hasMatchedOption("--verbose")).isTrue();
    DemoCommand demo = (DemoCommand) parsed.subcommand().commandSpec().userObject();
    assertThat(demo.durationSeconds).isEqualTo(40);
  }

  @Test
  void unknownOption_exits2NamingItAndPrintsTheDemoUsage() {
    assertThat(run("demo", "--no-such-option")).isEqualTo(2);
    assertThat(err.toString())
        .contains("Unknown option: '--no-such-option'")
        .contains("Usage: affectgate demo");
  }
}
