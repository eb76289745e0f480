package org.affectgate.agent.models;

import io.micrometer.core.instrument.MeterRegistry;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import org.affectgate.models.ModelEntry;
import org.affectgate.models.ModelLoadException;
import org.affectgate.models.ModelManifest;
import org.affectgate.models.ModelRegistry;

/**
 * One swappable stage model of the agent (hrv-stress, voice-emotion, or the vision pair) with its
 * optional shadow candidate: the holders the stage's inference borrows from, the manifest entries
 * they were verified against, and how to load a replacement exactly as at start-up.
 *
 * <p>{@link #prepare} (the reload thread) loads what changed without touching the running models;
 * the returned {@link Prepared} either {@link Prepared#commit commits} (swaps atomically between
 * inferences) or {@link Prepared#abort aborts} (closes what it loaded). Inference threads only call
 * {@link #active()} and {@link #shadow()}. Labels are fixed for the life of the agent (the stages
 * size their windows by them): a replacement or shadow with other labels is refused.
 *
 * @param <A> the active model
 * @param <S> the shadow model
 */
final class ModelSlot<A extends AutoCloseable, S extends AutoCloseable> implements AutoCloseable {
  /** Loads a model from a registry, verified as at start-up. */
  @FunctionalInterface
  interface Loader<T> {
    T load(ModelRegistry registry, String name) throws ModelLoadException;
  }

  /** A shadow model with the comparison of its outputs with the active one's. */
  record Shadow<S extends AutoCloseable>(S model, ShadowComparison comparison)
      implements AutoCloseable {
    @Override
    public void close() throws Exception {
      model.close();
    }
  }

  private final String anchor;
  private final List<String> names;
  private final Loader<A> activeLoader;
  private final Loader<S> shadowLoader;
  private final MeterRegistry registry;
  private final List<String> labels;
  private final Swappable<A> active;
  private final Swappable<Shadow<S>> shadow = new Swappable<>(null);
  private volatile List<ModelEntry> activeEntries;
  private volatile ModelEntry shadowEntry;

  /**
   * @param anchor the manifest name a shadow attaches to ({@code shadowOf}) and whose labels are
   *     fixed
   * @param names every manifest entry the active value was loaded from (vision: detector and
   *     expression model); a change to any of them reloads it
   * @param initial the model loaded at start-up; owned by the slot from now on
   * @param manifest the manifest {@code initial} was verified against
   */
  ModelSlot(
      String anchor,
      List<String> names,
      A initial,
      ModelManifest manifest,
      Loader<A> activeLoader,
      Loader<S> shadowLoader,
      MeterRegistry registry) {
    this.anchor = anchor;
    this.names = List.copyOf(names);
    this.activeLoader = activeLoader;
    this.shadowLoader = shadowLoader;
    this.registry = registry;
    this.active = new Swappable<>(initial);
    this.activeEntries = entries(manifest);
    this.labels = manifest.find(anchor).map(ModelEntry::labels).orElse(List.of());
  }

  String anchor() {
    return anchor;
  }

  Swappable<A> active() {
    return active;
  }

  Swappable<Shadow<S>> shadow() {
    return shadow;
  }

  /** Computes the shadow model's output for the input the active model just answered. */
  @FunctionalInterface
  interface ShadowOutput<S, E extends Exception> {
    float[] of(S shadow) throws E;
  }

  /**
   * If a shadow is installed, runs {@code output} on it and records its result beside {@code
   * activeOutput}; an exception from {@code output} (or the comparison) is counted as a shadow
   * failure and goes no further. Returns after the shadow ran; caller's (worker) thread.
   */
  <E extends Exception> void compareShadow(
      float[] activeOutput, ShadowOutput<? super S, E> output) {
    shadow.use(
        sh -> {
          if (sh != null) {
            try {
              sh.comparison().record(activeOutput, output.of(sh.model()));
            } catch (Exception e) {
              sh.comparison().failed();
            }
          }
          return null;
        });
  }

  /**
   * Loads, from {@code registry}, the active model if any of its entries changed and the shadow
   * candidate if its entry changed (appeared, differs, or went away). Nothing running is touched.
   *
   * @throws ModelLoadException the first refusal; whatever was loaded before it is closed
   */
  Prepared prepare(ModelRegistry registry) throws ModelLoadException {
    ModelManifest m = registry.manifest();
    List<ModelEntry> entries = entries(m);
    A newActive = null;
    S newShadow = null;
    try {
      if (!entries.equals(activeEntries)) {
        ModelEntry anchorEntry =
            m.find(anchor)
                .orElseThrow(
                    () ->
                        new ModelLoadException(
                            ModelLoadException.Reason.NOT_IN_MANIFEST,
                            anchor,
                            "the running model is not in the new manifest"));
        checkLabels(anchorEntry, "the running model's");
        newActive = activeLoader.load(registry, anchor);
      }
      ModelEntry candidate = m.shadowOf(anchor).orElse(null);
      boolean shadowChanged = !Objects.equals(candidate, shadowEntry);
      if (shadowChanged && candidate != null) {
        newShadow = loadShadow(registry, candidate, anchor, labels, shadowLoader);
      }
      return new Prepared(entries, newActive, shadowChanged, candidate, newShadow);
    } catch (ModelLoadException | RuntimeException e) {
      closeQuietly(newActive);
      closeQuietly(newShadow);
      throw e;
    }
  }

  /**
   * Verifies and loads {@code candidate} as the shadow of {@code anchor}, exactly as a reload does:
   * its labels must be {@code labels} (the running model's; empty skips the check), then {@code
   * loader} checks file size, SHA-256, I/O, preprocessing and feature spec against what the stage
   * feeds {@code anchor}. Blocking (file reads, ONNX Runtime session).
   *
   * @return the open shadow model; the caller closes it
   * @throws ModelLoadException naming {@code candidate}'s entry and what is wrong
   */
  static <S> S loadShadow(
      ModelRegistry registry,
      ModelEntry candidate,
      String anchor,
      List<String> labels,
      Loader<S> loader)
      throws ModelLoadException {
    checkLabels(candidate, labels, anchor + "'s");
    return loader.load(registry, candidate.name());
  }

  private void checkLabels(ModelEntry entry, String whose) throws ModelLoadException {
    checkLabels(entry, labels, whose);
  }

  private static void checkLabels(ModelEntry entry, List<String> labels, String whose)
      throws ModelLoadException {
    if (!labels.isEmpty() && !entry.labels().equals(labels)) {
      throw new ModelLoadException(
          ModelLoadException.Reason.IO_SPEC_MISMATCH,
          entry.name(),
          "labels "
              + entry.labels()
              + " differ from "
              + whose
              + " "
              + labels
              + " (a label change needs a restart)");
    }
  }

  private List<ModelEntry> entries(ModelManifest m) {
    List<ModelEntry> out = new ArrayList<>();
    for (String n : names) {
      out.add(m.find(n).orElse(null));
    }
    return out;
  }

  /** Name and version per entry of the active model, and the shadow's comparison, for status. */
  Map<String, Object> status() {
    Map<String, Object> s = new LinkedHashMap<>();
    for (ModelEntry e : activeEntries) {
      if (e != null) {
        s.put(e.name(), e.version() + " sha256:" + e.sha256().substring(0, 12));
      }
    }
    return s;
  }

  /** Name to version per entry of the active model (the entries it was verified against). */
  Map<String, String> versions() {
    Map<String, String> v = new LinkedHashMap<>();
    for (ModelEntry e : activeEntries) {
      if (e != null) {
        v.put(e.name(), e.version());
      }
    }
    return v;
  }

  /** The shadow's comparison, or null without a shadow. */
  ShadowComparison comparison() {
    Shadow<S> sh = shadow.peek();
    return sh == null ? null : sh.comparison();
  }

  /** Changes a {@link #prepare} found; not thread-safe (the reload thread). */
  final class Prepared {
    private final List<ModelEntry> entries;
    private final A newActive;
    private final boolean shadowChanged;
    private final ModelEntry candidate;
    private final S newShadow;

    private Prepared(
        List<ModelEntry> entries,
        A newActive,
        boolean shadowChanged,
        ModelEntry candidate,
        S newShadow) {
      this.entries = entries;
      this.newActive = newActive;
      this.shadowChanged = shadowChanged;
      this.candidate = candidate;
      this.newShadow = newShadow;
    }

    boolean changes() {
      return newActive != null || shadowChanged;
    }

    /** What changes, e.g. {@code voice-emotion 2.0.0 -> 2.1.0}; empty when nothing does. */
    List<String> describe() {
      List<String> out = new ArrayList<>();
      if (newActive != null) {
        for (int i = 0; i < names.size(); i++) {
          ModelEntry before = activeEntries.get(i);
          ModelEntry after = entries.get(i);
          if (!Objects.equals(before, after)) {
            out.add(names.get(i) + " " + version(before) + " -> " + version(after));
          }
        }
      }
      if (shadowChanged) {
        out.add(
            candidate == null
                ? "shadow of " + anchor + " " + shadowEntry.name() + " removed"
                : "shadow of " + anchor + " " + candidate.name() + " " + candidate.version());
      }
      return out;
    }

    /** Swaps the changed models in; the replaced ones close after their last inference. */
    void commit() {
      if (newActive != null) {
        activeEntries = entries;
        active.swap(newActive);
      }
      if (shadowChanged) {
        shadowEntry = candidate;
        shadow.swap(
            newShadow == null
                ? null
                : new Shadow<>(
                    newShadow, new ShadowComparison(anchor, candidate.name(), registry)));
      }
    }

    /** Closes what {@link #prepare} loaded; the running models stay. */
    void abort() {
      closeQuietly(newActive);
      closeQuietly(newShadow);
    }
  }

  private static String version(ModelEntry e) {
    return e == null ? "(none)" : e.version() + " (" + e.sha256().substring(0, 12) + ")";
  }

  private static void closeQuietly(AutoCloseable c) {
    if (c == null) {
      return;
    }
    try {
      c.close();
    } catch (Exception e) {
      // a model we only loaded and will not use; nothing to recover
    }
  }

  @Override
  public void close() {
    active.close();
    shadow.close();
  }
}
