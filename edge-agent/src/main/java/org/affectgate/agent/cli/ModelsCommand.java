package org.affectgate.agent.cli;

import java.io.IOException;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import java.util.stream.Collectors;
import org.affectgate.agent.config.AgentConfig;
import org.affectgate.agent.config.AgentConfigLoader;
import org.affectgate.agent.models.ModelArchive;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParentCommand;
import picocli.CommandLine.Spec;

/**
 * {@code affectgate models rollback --config FILE}: puts the model set the agent ran before the
 * current one (kept in {@code <dataDir>/models/previous}, see {@link ModelArchive}) back into the
 * directory of {@code models.manifest}: files first, the manifest last, each checked against the
 * kept manifest. A running agent picks the restored manifest up at its next poll (within {@code
 * models.pollSeconds}; never with 0) or on {@code POST /models/reload}, verifies it as at start-up
 * and keeps the set it rolled back from as the new previous one, so a second rollback undoes the
 * first. Writes the model directory: run it as the user that owns it (the agent itself never does).
 * Exit 0 when restored, 1 with one line saying why not.
 */
@Command(
    name = "models",
    description = "Manage the agent's models.",
    subcommands = {ModelsCommand.Rollback.class})
final class ModelsCommand {
  @Option(
      names = "--config",
      required = true,
      paramLabel = "FILE",
      scope = picocli.CommandLine.ScopeType.INHERIT,
      description = "Agent configuration (its dataDir and models.manifest are used)")
  Path config;

  @Command(
      name = "rollback",
      description =
          "Restore the previous model set (kept in <dataDir>/models/previous) into the model"
              + " directory; the running agent reloads it.")
  static final class Rollback implements Callable<Integer> {
    @ParentCommand ModelsCommand parent;
    @Spec CommandSpec spec;

    @Override
    public Integer call() {
      AgentConfig c = AgentConfigLoader.load(parent.config);
      Path manifest = c.models().manifest();
      ModelArchive archive = ModelArchive.inDataDir(c.dataDir());
      ModelArchive.Restored restored;
      try {
        restored = archive.restorePrevious(manifest);
      } catch (IOException e) {
        throw new IllegalStateException("models rollback: " + e.getMessage(), e);
      }
      String set =
          restored.manifest().models().stream()
              .filter(e -> !restored.notKept().contains(e.name()))
              .map(e -> e.name() + " " + e.version())
              .collect(Collectors.joining(", "));
      var out = spec.commandLine().getOut();
      out.println(
          "restored the previous model set into "
              + manifest.toAbsolutePath().getParent()
              + ": "
              + set);
      if (!restored.notKept().isEmpty()) {
        out.println(
            "  not kept, left as they are: "
                + String.join(", ", restored.notKept())
                + " (their files were missing or altered when the set was kept)");
      }
      out.println(
          (c.models().pollSeconds() == 0
                  ? "  a running agent loads it on POST /models/reload (models.pollSeconds is 0)"
                  : "  a running agent loads it within "
                      + c.models().pollSeconds()
                      + " s (or at once on POST /models/reload)")
              + "; its /status models.lastReload says how it went");
      return 0;
    }
  }
}
