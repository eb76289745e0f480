package org.affectgate.models.cli;

import java.nio.file.Path;
import java.util.concurrent.Callable;
import org.affectgate.models.ModelEntry;
import org.affectgate.models.foundry.Foundry;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code models build}: regenerates every shipped model and the manifest. */
@Command(
    name = "build",
    mixinStandardHelpOptions = true,
    description = "Convert the upstream weights into the shipped ONNX files and manifest.json.")
final class BuildCommand implements Callable<Integer> {
  @Option(
      names = "--upstream",
      defaultValue = "../shared/upstream-models",
      description = "Upstream weights directory (default: ${DEFAULT-VALUE}).")
  Path upstream;

  @Option(
      names = "--out",
      defaultValue = "models",
      description =
          "Output directory for <name>/<name>.onnx and manifest.json (default: ${DEFAULT-VALUE}).")
  Path out;

  @Option(
      names = "--calibration",
      defaultValue = "models",
      description = "Directory with committed calibration ranges (default: ${DEFAULT-VALUE}).")
  Path calibration;

  @Override
  public Integer call() throws Exception {
    Foundry.Build build = Foundry.buildAll(upstream, calibration);
    Foundry.write(build, out);
    for (Foundry.Artifact a : build.artifacts()) {
      ModelEntry e = a.entry();
      System.out.printf(
          "%-18s %-8s %9d bytes  sha256 %s  %s%n",
          e.name(), e.version(), e.bytes(), e.sha256(), out.resolve(e.file()));
    }
    System.out.println("manifest: " + out.resolve(Foundry.MANIFEST));
    return 0;
  }
}
