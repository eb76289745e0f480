package org.affectgate.device.kiosk.camera;

/**
 * Decoded pixels, 8 bits per sample, row-major, no padding. Holds a person's face: memory only.
 *
 * @param width pixels, > 0
 * @param height pixels, > 0
 * @param channels 1 (grey) or 3 (interleaved B, G, R — OpenCV's order)
 * @param pixels {@code width * height * channels} bytes; not copied, do not modify
 */
public record DecodedImage(int width, int height, int channels, byte[] pixels) {
  public DecodedImage {
    if (width <= 0 || height <= 0) {
      throw new IllegalArgumentException(
          "size must be positive (got " + width + "x" + height + ")");
    }
    if (channels != 1 && channels != 3) {
      throw new IllegalArgumentException("channels must be 1 or 3 (got " + channels + ")");
    }
    if (pixels.length != width * height * channels) {
      throw new IllegalArgumentException(
          "pixels has " + pixels.length + " bytes, expected " + width * height * channels);
    }
  }

  /** Luma 0..255 of pixel (x, y) ({@code 0.299 R + 0.587 G + 0.114 B} for colour). */
  public int luma(int x, int y) {
    int i = (y * width + x) * channels;
    if (channels == 1) {
      return pixels[i] & 0xFF;
    }
    int b = pixels[i] & 0xFF;
    int g = pixels[i + 1] & 0xFF;
    int r = pixels[i + 2] & 0xFF;
    return (299 * r + 587 * g + 114 * b + 500) / 1000;
  }

  @Override
  public String toString() {
    return "DecodedImage[" + width + "x" + height + "x" + channels + "]";
  }
}
