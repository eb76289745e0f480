package org.affectgate.device.mqtt;

import java.time.Duration;

/**
 * Ends the process after a fatal error the transport cannot recover from, so that systemd ({@code
 * Restart=on-failure}) starts a fresh one: {@link System#exit} on a thread of its own (shutdown
 * hooks close the agent's stores in order), and {@link Runtime#halt} if that has not finished
 * within {@link #HALT_AFTER} (a hook that hangs must not keep a broken process alive).
 */
final class FatalExit {
  static final Duration HALT_AFTER = Duration.ofSeconds(30);

  private FatalExit() {}

  /** Returns at once; the process ends shortly after with {@code status}. */
  static void exit(int status) {
    Thread halt =
        new Thread(
            () -> {
              try {
                Thread.sleep(HALT_AFTER.toMillis());
              } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
              }
              Runtime.getRuntime().halt(status);
            },
            "affectgate-fatal-halt");
    halt.setDaemon(true);
    halt.start();
    Thread exit = new Thread(() -> System.exit(status), "affectgate-fatal-exit");
    exit.start();
  }
}
