package org.affectgate.device.mqtt;

import java.time.Instant;

/**
 * The state of a transport's own machinery, for {@code /status}. Immutable.
 *
 * @param healthy false while a fatal error (e.g. {@link OutOfMemoryError}) in one of the client's
 *     threads is recent (see {@link PahoMqttTransport#FATAL_WINDOW}); the client was then closed
 *     and recreated
 * @param protocol the MQTT protocol of the current or last connection ({@code 5} or {@code 3.1.1}),
 *     or {@code null} before the first connection
 * @param fatalErrors fatal errors since start
 * @param lastFatal the last fatal error's class and message, or {@code null}
 * @param lastFatalAt when it happened, or {@code null}
 */
public record TransportHealth(
    boolean healthy, String protocol, long fatalErrors, String lastFatal, Instant lastFatalAt) {

  /** No fatal error, protocol unknown. */
  public static final TransportHealth HEALTHY = new TransportHealth(true, null, 0, null, null);
}
