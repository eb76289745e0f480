package org.affectgate.features.fusion;

import java.util.Locale;

/** A sensing channel that contributes evidence to a {@link SessionFusion}. */
public enum Modality {
  FACE,
  VOICE;

  /** Lower-case name, the label used on the wire. */
  public String label() {
    return name().toLowerCase(Locale.ROOT);
  }
}
