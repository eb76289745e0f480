package org.affectgate.agent.stress;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.affectgate.features.stress.StressModel;
import org.affectgate.features.stress.StressModelException;

/** A fake classifier with a fixed P(stress); records its inputs and can be made to fail. */
final class FixedStressModel implements StressModel {
  private final double p;
  final List<float[]> calls = new CopyOnWriteArrayList<>();
  boolean failing;

  FixedStressModel(double p) {
    this.p = p;
  }

  @Override
  public double stressProbability(float[] features) throws StressModelException {
    calls.add(features.clone());
    if (failing) {
      throw new StressModelException("fake failure", null);
    }
    return p;
  }

  @Override
  public void close() {}
}
