package org.affectgate.agent.cli;

import java.nio.file.Path;
import java.util.concurrent.Callable;
import org.affectgate.agent.config.AgentConfig;
import org.affectgate.agent.config.AgentConfigLoader;
import org.affectgate.agent.pipeline.Agent;
import org.affectgate.agent.startup.StartupChecks;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * Runs the agent until SIGINT/SIGTERM. Before anything is built it makes the same start-up checks
 * as {@code check-config} ({@link StartupChecks}; the models are verified as {@code Agent.start}
 * loads them), so a configuration refused here is refused there with the same line.
 */
@Command(name = "run", description = "Run the agent with a configuration file.")
final class RunCommand implements Callable<Integer> {
  private static final Logger LOG = LoggerFactory.getLogger(RunCommand.class);

  @Option(
      names = "--config",
      required = true,
      paramLabel = "FILE",
      description = "YAML configuration (see deploy/agent.example.yaml)")
  Path config;

  @Spec CommandSpec spec;

  @Override
  public Integer call() throws InterruptedException {
    AgentConfig c = AgentConfigLoader.load(config);
    StartupChecks.verifyBeforeWiring(c);
    StartupChecks.warnings(c).forEach(w -> LOG.warn("{}", w));
    var out = spec.commandLine().getOut();
    Agent agent =
        Agent.start(
            c,
            Agent.Options.defaults()
                .withWindowListener(new WindowLinePrinter(out, c.aggregation().k())));
    out.println(
        "affectgate: running, status at http://"
            + c.http().host()
            + ":"
            + agent.httpPort()
            + "/status");
    out.flush();
    AffectgateCli.awaitShutdown(agent);
    return 0;
  }
}
