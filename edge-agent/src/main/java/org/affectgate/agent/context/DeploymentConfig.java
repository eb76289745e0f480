package org.affectgate.agent.context;

import java.util.Objects;
import java.util.Optional;

/**
 * The declared deployment context.
 *
 * @param context where the gateway runs ({@code context}, default {@code retail})
 * @param purpose a declared medical or safety purpose ({@code contextPurpose}), written {@code
 *     "medical: …"} or {@code "safety: …"} with a description of at least {@value #MIN_DESCRIPTION}
 *     characters; only this lets face and voice emotion inference run in a workplace or school
 */
public record DeploymentConfig(DeploymentContext context, Optional<String> purpose) {
  public static final int MIN_DESCRIPTION = 10;
  public static final int MAX_LENGTH = 500;

  public DeploymentConfig {
    Objects.requireNonNull(context, "context");
    Objects.requireNonNull(purpose, "contextPurpose");
    purpose = purpose.map(String::strip).filter(p -> !p.isEmpty());
    if (purpose.isPresent()) {
      String p = purpose.get();
      String kind = p.contains(":") ? p.substring(0, p.indexOf(':')).strip() : "";
      String description = p.contains(":") ? p.substring(p.indexOf(':') + 1).strip() : "";
      if (!(kind.equals("medical") || kind.equals("safety"))
          || description.length() < MIN_DESCRIPTION) {
        throw new IllegalArgumentException(
            "contextPurpose must read 'medical: <description>' or 'safety: <description>' with a"
                + " description of at least "
                + MIN_DESCRIPTION
                + " characters (got '"
                + p
                + "')");
      }
      if (p.length() > MAX_LENGTH) {
        throw new IllegalArgumentException(
            "contextPurpose must be at most "
                + MAX_LENGTH
                + " characters (got "
                + p.length()
                + ")");
      }
    }
  }

  public static DeploymentConfig defaults() {
    return new DeploymentConfig(DeploymentContext.RETAIL, Optional.empty());
  }
}
