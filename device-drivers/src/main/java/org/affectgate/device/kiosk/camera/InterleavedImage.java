package org.affectgate.device.kiosk.camera;

/**
 * A {@link DecodedImage} with interleaved samples and no row padding.
 *
 * @param width pixels, > 0
 * @param height pixels, > 0
 * @param channels 1 (grey) or 3 (interleaved B, G, R — OpenCV's order)
 * @param pixels {@code width * height * channels} bytes; not copied, do not modify
 */
public record InterleavedImage(int width, int height, int channels, byte[] pixels)
    implements DecodedImage {
  public InterleavedImage {
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

  @Override
  public int luma(int x, int y) {
    int i = (y * width + x) * channels;
    if (channels == 1) {
      return pixels[i] & 0xFF;
    }
    return luma(pixels[i + 2] & 0xFF, pixels[i + 1] & 0xFF, pixels[i] & 0xFF);
  }

  /** {@code 0.299 r + 0.587 g + 0.114 b}, rounded, in integer arithmetic. */
  public static int luma(int r, int g, int b) {
    return (299 * r + 587 * g + 114 * b + 500) / 1000;
  }

  @Override
  public int rgb(int x, int y) {
    int i = (y * width + x) * channels;
    if (channels == 1) {
      return (pixels[i] & 0xFF) * 0x010101;
    }
    return (pixels[i + 2] & 0xFF) << 16 | (pixels[i + 1] & 0xFF) << 8 | pixels[i] & 0xFF;
  }

  @Override
  public String toString() {
    return "InterleavedImage[" + width + "x" + height + "x" + channels + "]";
  }
}
