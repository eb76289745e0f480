package org.affectgate.models;

import com.fasterxml.jackson.annotation.JsonPropertyOrder;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonMappingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.exc.ValueInstantiationException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * The list of shipped models ({@code models/manifest.json}): the only way the agent finds a model.
 *
 * @param formatVersion manifest format, currently {@value #FORMAT_VERSION}
 * @param models the entries, names unique
 */
@JsonPropertyOrder({"formatVersion", "models"})
public record ModelManifest(int formatVersion, List<ModelEntry> models) {
  public static final int FORMAT_VERSION = 1;

  private static final ObjectMapper JSON =
      new ObjectMapper()
          .enable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
          .enable(DeserializationFeature.FAIL_ON_NULL_FOR_PRIMITIVES)
          .enable(SerializationFeature.INDENT_OUTPUT);

  public ModelManifest {
    if (formatVersion != FORMAT_VERSION) {
      throw new IllegalArgumentException(
          "formatVersion must be " + FORMAT_VERSION + " (got " + formatVersion + ")");
    }
    models = models == null ? List.of() : List.copyOf(models);
    Set<String> seen = new HashSet<>();
    for (ModelEntry m : models) {
      if (!seen.add(m.name())) {
        throw new IllegalArgumentException("models: name '" + m.name() + "' appears twice");
      }
    }
    for (ModelEntry m : models) {
      if (m.shadowOf() == null) {
        continue;
      }
      String of = m.shadowOf();
      ModelEntry active = models.stream().filter(o -> o.name().equals(of)).findFirst().orElse(null);
      if (active == null || active.shadowOf() != null) {
        throw new IllegalArgumentException(
            "model '"
                + m.name()
                + "': shadowOf names '"
                + of
                + "', which is not an ordinary model in this manifest");
      }
    }
  }

  /**
   * The shadow candidate for the model called {@code name}: the first entry whose {@link
   * ModelEntry#shadowOf()} names it.
   */
  public Optional<ModelEntry> shadowOf(String name) {
    return models.stream().filter(m -> name.equals(m.shadowOf())).findFirst();
  }

  /**
   * Reads and validates a manifest file.
   *
   * @throws ModelLoadException with {@link ModelLoadException.Reason#MANIFEST_INVALID} if the file
   *     is missing, unreadable, not JSON or breaks a field rule (the message names the field)
   */
  public static ModelManifest read(Path file) throws ModelLoadException {
    try {
      return parse(Files.readString(file));
    } catch (NoSuchFileException e) {
      throw new ModelLoadException(
          ModelLoadException.Reason.MANIFEST_INVALID, null, "manifest not found: " + file, e);
    } catch (IOException e) {
      throw new ModelLoadException(
          ModelLoadException.Reason.MANIFEST_INVALID, null, "cannot read " + file + ": " + e, e);
    } catch (ModelLoadException e) {
      throw new ModelLoadException(e.reason(), null, file + ": " + e.getMessage(), e.getCause());
    }
  }

  /** Parses manifest JSON; see {@link #read(Path)}. */
  public static ModelManifest parse(String json) throws ModelLoadException {
    try {
      ModelManifest m = JSON.readValue(json, ModelManifest.class);
      if (m == null) {
        throw new ModelLoadException(ModelLoadException.Reason.MANIFEST_INVALID, null, "empty");
      }
      return m;
    } catch (ValueInstantiationException e) {
      Throwable cause = e.getCause() != null ? e.getCause() : e;
      throw new ModelLoadException(
          ModelLoadException.Reason.MANIFEST_INVALID,
          null,
          cause.getMessage() + where(e.getPath()),
          e);
    } catch (JsonProcessingException e) {
      throw new ModelLoadException(
          ModelLoadException.Reason.MANIFEST_INVALID, null, e.getOriginalMessage(), e);
    }
  }

  /** " (at models[4].calibration)" for a nested value, "" at the top level. */
  private static String where(List<JsonMappingException.Reference> path) {
    StringBuilder b = new StringBuilder();
    for (JsonMappingException.Reference r : path) {
      if (r.getFieldName() != null) {
        b.append(b.length() == 0 ? "" : ".").append(r.getFieldName());
      } else if (r.getIndex() >= 0) {
        b.append('[').append(r.getIndex()).append(']');
      }
    }
    return b.length() == 0 ? "" : " (at " + b + ")";
  }

  /** Returns the entry called {@code name}. */
  public Optional<ModelEntry> find(String name) {
    return models.stream().filter(m -> m.name().equals(name)).findFirst();
  }

  /** Serialises to the canonical form (two-space indent, fixed field order, '\n' line ends). */
  public String toJson() {
    try {
      return JSON.writeValueAsString(this).replace("\r\n", "\n") + "\n";
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("manifest cannot be serialised", e);
    }
  }
}
