package org.affectgate.device.gpio;

import com.pi4j.Pi4J;
import com.pi4j.context.Context;
import com.pi4j.io.gpio.digital.DigitalInput;
import com.pi4j.io.gpio.digital.DigitalOutput;
import com.pi4j.io.gpio.digital.DigitalState;
import com.pi4j.io.gpio.digital.DigitalStateChangeListener;
import com.pi4j.io.gpio.digital.PullResistance;
import java.util.Objects;

/**
 * GPIO lines through Pi4J v2. Production uses the gpiod providers ({@value #GPIOD_INPUT}, {@value
 * #GPIOD_OUTPUT}): the Linux GPIO character device, no root needed when the user is in the {@code
 * gpio} group. Tests build a context with the mock plugin's providers and pass their ids.
 *
 * <p>Pi4J's own debounce is not relied on (the mock provider ignores it); the device logic
 * debounces on its injected clock.
 *
 * <p>Threads: creation on any thread; Pi4J delivers input changes on its event thread.
 */
public final class Pi4jGpio implements AutoCloseable {
  public static final String GPIOD_INPUT = "gpiod-digital-input";
  public static final String GPIOD_OUTPUT = "gpiod-digital-output";

  /** Input bias. */
  public enum Pull {
    OFF,
    UP,
    DOWN
  }

  private final Context pi4j;
  private final String inputProvider;
  private final String outputProvider;
  private final boolean ownsContext;

  private Pi4jGpio(Context pi4j, String inputProvider, String outputProvider, boolean owns) {
    this.pi4j = Objects.requireNonNull(pi4j, "pi4j");
    this.inputProvider = Objects.requireNonNull(inputProvider, "inputProvider");
    this.outputProvider = Objects.requireNonNull(outputProvider, "outputProvider");
    this.ownsContext = owns;
  }

  /**
   * A Pi4J context auto-detecting the installed plugins, using the gpiod providers; closed with
   * this object.
   *
   * @throws GpioException when Pi4J cannot start
   */
  public static Pi4jGpio gpiod() {
    try {
      return new Pi4jGpio(Pi4J.newAutoContext(), GPIOD_INPUT, GPIOD_OUTPUT, true);
    } catch (RuntimeException e) {
      throw new GpioException("cannot start Pi4J with the gpiod provider: " + e.getMessage(), e);
    }
  }

  /** Lines from a context the caller owns (and shuts down), e.g. the mock plugin in tests. */
  public static Pi4jGpio using(Context pi4j, String inputProvider, String outputProvider) {
    return new Pi4jGpio(pi4j, inputProvider, outputProvider, false);
  }

  /**
   * Claims an input line.
   *
   * @param id unique id of the line within the context, e.g. {@code consent-button}
   * @param bcm BCM pin number, 0..27 on a Raspberry Pi header
   * @throws GpioException when the line cannot be claimed
   */
  public LevelInput input(String id, int bcm, Pull pull) {
    try {
      DigitalInput in =
          pi4j.create(
              DigitalInput.newConfigBuilder(pi4j)
                  .id(id)
                  .name(id)
                  .address(bcm)
                  .pull(
                      switch (pull) {
                        case OFF -> PullResistance.OFF;
                        case UP -> PullResistance.PULL_UP;
                        case DOWN -> PullResistance.PULL_DOWN;
                      })
                  .provider(inputProvider));
      return new Input(pi4j, in);
    } catch (RuntimeException e) {
      throw new GpioException("cannot claim input " + id + " on BCM " + bcm + ": " + e, e);
    }
  }

  /**
   * Claims an output line, initially low and driven low at shutdown.
   *
   * @throws GpioException when the line cannot be claimed
   */
  public LevelOutput output(String id, int bcm) {
    try {
      DigitalOutput out =
          pi4j.create(
              DigitalOutput.newConfigBuilder(pi4j)
                  .id(id)
                  .name(id)
                  .address(bcm)
                  .initial(DigitalState.LOW)
                  .shutdown(DigitalState.LOW)
                  .provider(outputProvider));
      return new Output(pi4j, out);
    } catch (RuntimeException e) {
      throw new GpioException("cannot claim output " + id + " on BCM " + bcm + ": " + e, e);
    }
  }

  @Override
  public void close() {
    if (ownsContext) {
      try {
        pi4j.shutdown();
      } catch (RuntimeException e) {
        // best effort at shutdown: the kernel releases the lines with the process anyway
      }
    }
  }

  private static final class Input implements LevelInput {
    private final Context pi4j;
    private final DigitalInput in;
    private DigitalStateChangeListener current;

    Input(Context pi4j, DigitalInput in) {
      this.pi4j = pi4j;
      this.in = in;
    }

    @Override
    public synchronized void listen(LevelListener listener) {
      if (current != null) {
        in.removeListener(current);
      }
      current = e -> listener.onLevel(e.state() == DigitalState.HIGH);
      in.addListener(current);
    }

    @Override
    public boolean isHigh() {
      try {
        return in.state() == DigitalState.HIGH;
      } catch (RuntimeException e) {
        throw new GpioException("cannot read input " + in.id() + ": " + e, e);
      }
    }

    @Override
    public synchronized void close() {
      try {
        if (current != null) {
          in.removeListener(current);
        }
        pi4j.shutdown(in.id());
      } catch (RuntimeException e) {
        // already released
      }
    }
  }

  private static final class Output implements LevelOutput {
    private final Context pi4j;
    private final DigitalOutput out;

    Output(Context pi4j, DigitalOutput out) {
      this.pi4j = pi4j;
      this.out = out;
    }

    @Override
    public void set(boolean high) {
      try {
        out.state(high ? DigitalState.HIGH : DigitalState.LOW);
      } catch (RuntimeException e) {
        throw new GpioException("cannot drive output " + out.id() + ": " + e, e);
      }
    }

    @Override
    public boolean isHigh() {
      try {
        return out.state() == DigitalState.HIGH;
      } catch (RuntimeException e) {
        throw new GpioException("cannot read output " + out.id() + ": " + e, e);
      }
    }

    @Override
    public void close() {
      try {
        out.state(DigitalState.LOW);
      } catch (RuntimeException e) {
        // fall through to release
      }
      try {
        pi4j.shutdown(out.id());
      } catch (RuntimeException e) {
        // already released
      }
    }
  }
}
