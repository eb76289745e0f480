package org.affectgate.agent.config;

import java.nio.file.Path;
import java.util.Objects;

/**
 * The local admin and status HTTP server ({@code http.*}).
 *
 * @param host bind address ({@code http.host}, default {@code 127.0.0.1}); only loopback addresses
 *     are accepted unless {@code http.allowRemote} is true
 * @param port TCP port ({@code http.port}, default 8787; 0 picks a free port)
 * @param tokenFile file holding the bearer token the consent endpoints require ({@code
 *     http.tokenFile}, default {@code {dataDir}/admin-token}, created with a random token and mode
 *     0600 if absent)
 */
public record HttpConfig(String host, int port, boolean allowRemote, Path tokenFile) {
  public static final int DEFAULT_PORT = 8787;
  public static final String DEFAULT_TOKEN_FILE = "admin-token";

  public HttpConfig {
    Objects.requireNonNull(host, "http.host must be set");
    Objects.requireNonNull(tokenFile, "http.tokenFile must be set");
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

  public static HttpConfig defaults(Path dataDir) {
    return new HttpConfig("127.0.0.1", DEFAULT_PORT, false, dataDir.resolve(DEFAULT_TOKEN_FILE));
  }
}
