package org.affectgate.models;

import java.util.Optional;

/**
 * What the caller needs from a model: its name and, where the caller prepares the inputs itself,
 * the preprocessing id and feature-vector spec id its code implements. The registry refuses a model
 * whose manifest entry states different ids.
 *
 * @param name manifest name of the model
 * @param preprocessing preprocessing id the caller implements, if it should be checked
 * @param featureSpec feature-vector spec id the caller extracts, if it should be checked
 */
public record ModelRequirement(
    String name, Optional<String> preprocessing, Optional<String> featureSpec) {
  public ModelRequirement {
    if (name == null || name.isBlank()) {
      throw new IllegalArgumentException("model name must be set");
    }
    preprocessing = preprocessing == null ? Optional.empty() : preprocessing;
    featureSpec = featureSpec == null ? Optional.empty() : featureSpec;
  }

  public static ModelRequirement named(String name) {
    return new ModelRequirement(name, Optional.empty(), Optional.empty());
  }

  public ModelRequirement withPreprocessing(String id) {
    return new ModelRequirement(name, Optional.of(id), featureSpec);
  }

  public ModelRequirement withFeatureSpec(String id) {
    return new ModelRequirement(name, preprocessing, Optional.of(id));
  }
}
