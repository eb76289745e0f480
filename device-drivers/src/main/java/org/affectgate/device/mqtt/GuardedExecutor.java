package org.affectgate.device.mqtt;

import java.util.concurrent.Callable;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;

/**
 * The executor a Paho client runs all its threads on (receiver, sender, callback, connect,
 * disconnect, keep-alive pings), so that nothing a Paho task throws can die silently.
 *
 * <p>Why: Paho's receiver and sender loops catch only {@code MqttException} and {@code
 * IOException}. Anything else, such as the {@link OutOfMemoryError} an oversized publish causes
 * when the receiver allocates its payload array, ends the thread while the client still reports
 * itself connected: a zombie that reads nothing. Run on a plain executor the same throwable would
 * be swallowed by the task's {@code Future}. Here every task is wrapped: a throwable that escapes
 * it is handed to {@code onFatal} (then rethrown, ending the task as before).
 *
 * <p>Every entry point of {@link ScheduledThreadPoolExecutor} ({@code execute}, {@code submit},
 * {@code schedule*}) goes through the overridden {@code schedule} methods below. Daemon threads;
 * idle threads end after a minute. One instance per Paho client; shut it down after closing the
 * client.
 */
final class GuardedExecutor extends ScheduledThreadPoolExecutor {
  /**
   * Threads: receiver, sender and callback run for a connection's lifetime; connect and disconnect
   * tasks and pings are short. Room for a connection being torn down while the next starts.
   */
  static final int THREADS = 10;

  private final Consumer<Throwable> onFatal;

  /**
   * @param name thread name prefix (Paho renames its long-running threads itself)
   * @param onFatal told of every throwable that escapes a task, on the dying task's thread; must
   *     not block and should not allocate much (the heap may be exhausted)
   */
  GuardedExecutor(String name, Consumer<Throwable> onFatal) {
    super(THREADS, daemonThreads(name));
    this.onFatal = onFatal;
    setKeepAliveTime(1, TimeUnit.MINUTES);
    allowCoreThreadTimeOut(true);
    setRemoveOnCancelPolicy(true);
  }

  private static ThreadFactory daemonThreads(String name) {
    AtomicInteger n = new AtomicInteger();
    return r -> {
      Thread t = new Thread(r, name + "-" + n.incrementAndGet());
      t.setDaemon(true);
      return t;
    };
  }

  @Override
  public ScheduledFuture<?> schedule(Runnable command, long delay, TimeUnit unit) {
    return super.schedule(guard(command), delay, unit);
  }

  @Override
  public <V> ScheduledFuture<V> schedule(Callable<V> callable, long delay, TimeUnit unit) {
    return super.schedule(guard(callable), delay, unit);
  }

  @Override
  public ScheduledFuture<?> scheduleAtFixedRate(
      Runnable command, long initialDelay, long period, TimeUnit unit) {
    return super.scheduleAtFixedRate(guard(command), initialDelay, period, unit);
  }

  @Override
  public ScheduledFuture<?> scheduleWithFixedDelay(
      Runnable command, long initialDelay, long delay, TimeUnit unit) {
    return super.scheduleWithFixedDelay(guard(command), initialDelay, delay, unit);
  }

  private Runnable guard(Runnable task) {
    return () -> {
      try {
        task.run();
      } catch (RuntimeException | Error e) {
        report(e);
        throw e;
      }
    };
  }

  private <V> Callable<V> guard(Callable<V> task) {
    return () -> {
      try {
        return task.call();
      } catch (Exception | Error e) {
        report(e);
        throw e;
      }
    };
  }

  private void report(Throwable e) {
    try {
      onFatal.accept(e);
    } catch (Throwable ignored) { // NOPMD: must not mask the original; the heap may be exhausted
      // nothing left to do on this thread
    }
  }
}
