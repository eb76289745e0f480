package org.affectgate.device.gpio;

/** In-memory lines for logic tests; the Pi4J mock plugin is exercised in {@code Pi4jGpioTest}. */
final class FakeLines {
  private FakeLines() {}

  static final class Input implements LevelInput {
    private LevelListener listener = high -> {};
    private boolean level;

    @Override
    public void listen(LevelListener l) {
      listener = l;
    }

    @Override
    public boolean isHigh() {
      return level;
    }

    void drive(boolean high) {
      level = high;
      listener.onLevel(high);
    }

    @Override
    public void close() {}
  }

  static final class Output implements LevelOutput {
    boolean level;
    boolean refuseWrites;
    boolean stuckLow;

    @Override
    public void set(boolean high) {
      if (refuseWrites) {
        throw new GpioException("line released", null);
      }
      level = high && !stuckLow;
    }

    @Override
    public boolean isHigh() {
      return level;
    }

    @Override
    public void close() {}
  }
}
