package org.affectgate.models.cli;

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
      BenchCommand.class,
      CalibrateCommand.class,
      TrainCommand.class,
      EvalCommand.class
    })
public final class ModelsCli implements Runnable {
  @CommandLine.Spec CommandLine.Model.CommandSpec spec;

  public static void main(String[] args) {
    System.exit(execute(args));
  }

  /** Runs the CLI and returns its exit code (0 success, 1 failed check, 2 usage error). */
  public static int execute(String... args) {
    return new CommandLine(new ModelsCli()).execute(args);
  }

  @Override
  public void run() {
    throw new CommandLine.ParameterException(spec.commandLine(), "a subcommand is required");
  }
}
