package org.affectgate.agent.config;

import java.util.Objects;

/**
 * The local admin and status HTTP server ({@code http.*}).
 *
 * @param host bind address ({@code http.host}, default {@code 127.0.0.1}); only loopback addresses
 *     are accepted unless {@code http.allowRemote} is true
 * @param port TCP port ({@code http.port}, default 8787; 0 picks a free port)
 */
public record HttpConfig(String host, int port, boolean allowRemote) {
  public static final int DEFAULT_PORT = 8787;

  public HttpConfig {
    Objects.requireNonNull(host, "http.host must be set");
    if (port < 0 || port > 65535) {
      throw new IllegalArgumentException("http.port must be 0..65535 (got " + port + ")");
    }
    boolean loopback = host.equals("127.0.0.1") || host.equals("localhost") || host.equals("::1");
    if (!loopback && !allowRemote) {
      throw new IllegalArgumentException(
          "http.host must be a loopback address (got "
              + host
              + "); set http.allowRemote: true to expose the admin API");
    }
  }

  public static HttpConfig defaults() {
    return new HttpConfig("127.0.0.1", DEFAULT_PORT, false);
  }
}
