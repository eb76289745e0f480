package org.affectgate.models.cli;

import org.affectgate.models.ModelLoadException;
import org.affectgate.models.eval.DataFolderException;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/**
 * The model foundry: {@code models build|verify|eval|train|...}. Run it from the repository root,
 * where the defaults ({@code models/}, {@code ../shared/...}) resolve; e.g. {@code
 * models/foundry/foundry.sh build}.
 */
@Command(
    name = "models",
    mixinStandardHelpOptions = true,
    version = "affectgate models 0.1.0",
    description = "Builds, verifies and evaluates the shipped ONNX models.",
    subcommands = {
      BuildCommand.class,
      VerifyCommand.class,
      VerifyTfjsCommand.class,
      VerifyFaceApiCommand.class,
      ConvertCommand.class,
      BenchCommand.class,
      CalibrateCommand.class,
      TemperatureCommand.class,
      TrainCommand.class,
      EvalCommand.class
    })
public final class ModelsCli implements Runnable {
  @CommandLine.Spec CommandLine.Model.CommandSpec spec;

  public static void main(String[] args) {
    System.exit(execute(args));
  }

  /**
   * Runs the CLI and returns its exit code: 0 success, 1 failed check (or a model the manifest
   * refuses), 2 usage error or an unusable data folder. A data folder that is missing, empty,
   * mislabelled or too small ({@link DataFolderException}) and a refused model ({@link
   * ModelLoadException}) are reported in one line on stderr, without a stack trace; anything else
   * is a bug and keeps its trace.
   */
  public static int execute(String... args) {
    CommandLine cli = new CommandLine(new ModelsCli());
    cli.setExecutionExceptionHandler(
        (e, cmd, parsed) -> {
          if (e instanceof DataFolderException) {
            cmd.getErr().println(cmd.getCommandName() + ": " + e.getMessage());
            return 2;
          }
          if (e instanceof ModelLoadException) {
            cmd.getErr().println(cmd.getCommandName() + ": REFUSED " + e.getMessage());
            return 1;
          }
          throw e;
        });
    return cli.execute(args);
  }

  @Override
  public void run() {
    throw new CommandLine.ParameterException(spec.commandLine(), "a subcommand is required");
  }
}
