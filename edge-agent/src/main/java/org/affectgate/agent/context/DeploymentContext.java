package org.affectgate.agent.context;

import java.util.Locale;

/** Where the gateway is deployed ({@code context}); decides which inference is lawful. */
public enum DeploymentContext {
  RETAIL,
  WELLNESS_PROGRAMME,
  WORKPLACE,
  EDUCATION,
  HEALTHCARE,
  PUBLIC_SPACE;

  /** The YAML spelling, e.g. {@code wellness-programme}. */
  public String key() {
    return name().toLowerCase(Locale.ROOT).replace('_', '-');
  }

  /**
   * Workplaces and education institutions, where EU AI Act Art. 5(1)(f) prohibits inferring
   * emotions except for medical or safety reasons.
   */
  public boolean emotionInferenceProhibited() {
    return this == WORKPLACE || this == EDUCATION;
  }
}
