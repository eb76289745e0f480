package org.affectgate.device.kiosk.camera;

/** The encodings a kiosk camera may send, recognised by their magic bytes, not by any name. */
public enum ImageFormat {
  /** Starts with {@code FF D8 FF}. */
  JPEG("jpeg"),
  /** Starts with the 8-byte PNG signature {@code 89 50 4E 47 0D 0A 1A 0A}. */
  PNG("png");

  private final String tag;

  ImageFormat(String tag) {
    this.tag = tag;
  }

  /** Lower-case name, used as the {@code format} meter tag and the ImageIO format name. */
  public String tag() {
    return tag;
  }
}
