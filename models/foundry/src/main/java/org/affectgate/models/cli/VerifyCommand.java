package org.affectgate.models.cli;

import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;
import org.affectgate.models.LoadedModel;
import org.affectgate.models.ModelEntry;
import org.affectgate.models.ModelLoadException;
import org.affectgate.models.ModelRegistry;
import org.affectgate.models.ModelRequirement;
import org.affectgate.models.ModelRuntimeConfig;
import org.affectgate.models.foundry.FaceExpression;
import org.affectgate.models.foundry.FixtureInputs;
import org.affectgate.models.foundry.Foundry;
import org.affectgate.models.foundry.KerasEquivalence;
import org.affectgate.models.keras.KerasModel;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code models verify}: every manifest entry loads (size, checksum, I/O spec), the shipped files
 * equal a fresh build, and the face-expression model matches the plain Keras forward pass.
 */
@Command(
    name = "verify",
    mixinStandardHelpOptions = true,
    description = "Check the shipped models against the manifest, a fresh build and the reference.")
final class VerifyCommand implements Callable<Integer> {
  static final double TOLERANCE = 1e-4;

  @Option(
      names = "--models",
      defaultValue = "models",
      description = "Directory holding manifest.json (default: ${DEFAULT-VALUE}).")
  Path models;

  @Option(
      names = "--upstream",
      defaultValue = "../shared/upstream-models",
      description = "Upstream weights directory (default: ${DEFAULT-VALUE}).")
  Path upstream;

  @Option(
      names = "--fixtures",
      defaultValue = "20",
      description = "Synthetic inputs for the equivalence check (default: ${DEFAULT-VALUE}).")
  int fixtures;

  @Override
  public Integer call() throws Exception {
    boolean ok = true;
    ModelRegistry registry =
        ModelRegistry.open(ModelRuntimeConfig.of(models.resolve(Foundry.MANIFEST)));
    List<Foundry.Artifact> fresh = Foundry.buildAll(upstream, models).artifacts();
    for (ModelEntry entry : registry.manifest().models()) {
      try (LoadedModel model = registry.load(ModelRequirement.named(entry.name()))) {
        System.out.printf(
            "%-18s loads: size, sha256 and I/O spec match the manifest%n", entry.name());
        ModelEntry rebuiltEntry =
            fresh.stream()
                .map(Foundry.Artifact::entry)
                .filter(e -> e.name().equals(entry.name()))
                .findFirst()
                .orElse(null);
        String rebuilt =
            rebuiltEntry == null ? "(not built by the foundry)" : rebuiltEntry.sha256();
        boolean same = rebuilt.equals(entry.sha256());
        ok &= same;
        System.out.printf(
            "%-18s fresh build %s%n",
            entry.name(), same ? "is byte-identical" : "DIFFERS: " + rebuilt);
        if (rebuiltEntry != null && !rebuiltEntry.equals(entry)) {
          ok = false;
          System.out.printf(
              "%-18s manifest entry DIFFERS from the fresh build's (calibration %s vs %s)%n",
              entry.name(), entry.calibration(), rebuiltEntry.calibration());
        }
        if (entry.calibration() != null) {
          System.out.printf(
              "%-18s confidence calibration: temperature %.4f, held-out ECE %.3f -> %.3f%n",
              entry.name(),
              entry.calibration().temperature(),
              entry.calibration().eceBefore(),
              entry.calibration().eceAfter());
        }
        if (entry.name().equals(FaceExpression.NAME)) {
          KerasModel keras = FaceExpression.readKeras(upstream);
          double diff =
              KerasEquivalence.maxAbsDiff(
                  keras,
                  model.session(),
                  FaceExpression.INPUT,
                  FixtureInputs.generate(fixtures, 64, 64, 1, 20261122L));
          ok &= diff <= TOLERANCE;
          System.out.printf(
              "%-18s vs plain Keras forward pass on %d inputs: max abs diff %.3g (limit %.0e)%n",
              entry.name(), fixtures, diff, TOLERANCE);
        }
      } catch (ModelLoadException e) {
        ok = false;
        System.out.println("REFUSED " + e.getMessage());
      }
    }
    System.out.println(ok ? "verify: OK" : "verify: FAILED");
    return ok ? 0 : 1;
  }
}
