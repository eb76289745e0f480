package org.affectgate.device.kiosk.camera;

/**
 * A {@link DecodedImage} as a baseline JPEG stores it: full-range (JFIF) Y, Cb, Cr planes, the
 * chroma planes subsampled by {@code subX} across and {@code subY} down (4:2:0 is 2, 2; 4:2:2 is 2,
 * 1; 4:4:4 is 1, 1), no row padding. Chroma sample (i, j) sits at the centre of the luma block it
 * covers, i.e. at luma coordinates {@code ((i + 0.5) * subX - 0.5, (j + 0.5) * subY - 0.5)}.
 *
 * <p>Y is luma itself ({@code 0.299 R + 0.587 G + 0.114 B} of the camera's colours), so the
 * expression path reads it with no colour conversion, and at 4:2:0 the chroma planes already have
 * the detector's half resolution.
 *
 * @param width pixels, > 0, a multiple of {@code subX}
 * @param height pixels, > 0, a multiple of {@code subY}
 * @param subX 1 or 2
 * @param subY 1 or 2
 * @param y {@code width * height} luma bytes
 * @param cb {@code (width / subX) * (height / subY)} bytes, 128 = no colour
 * @param cr as {@code cb}
 */
public record YccImage(int width, int height, int subX, int subY, byte[] y, byte[] cb, byte[] cr)
    implements DecodedImage {
  public YccImage {
    if (width <= 0 || height <= 0) {
      throw new IllegalArgumentException(
          "size must be positive (got " + width + "x" + height + ")");
    }
    if ((subX != 1 && subX != 2) || (subY != 1 && subY != 2)) {
      throw new IllegalArgumentException(
          "subsampling must be 1 or 2 each way (got " + subX + "x" + subY + ")");
    }
    if (width % subX != 0 || height % subY != 0) {
      throw new IllegalArgumentException(
          "size " + width + "x" + height + " is not a multiple of " + subX + "x" + subY);
    }
    if (y.length != width * height) {
      throw new IllegalArgumentException(
          "y has " + y.length + " bytes, expected " + width * height);
    }
    int c = (width / subX) * (height / subY);
    if (cb.length != c || cr.length != c) {
      throw new IllegalArgumentException(
          "cb and cr must have " + c + " bytes (got " + cb.length + ", " + cr.length + ")");
    }
  }

  @Override
  public int channels() {
    return 3;
  }

  /** Chroma plane width. */
  public int chromaWidth() {
    return width / subX;
  }

  /** Chroma plane height. */
  public int chromaHeight() {
    return height / subY;
  }

  @Override
  public int luma(int x, int y) {
    return this.y[y * width + x] & 0xFF;
  }

  /** Nearest chroma sample (no interpolation): for tests and diagnostics, not the hot path. */
  @Override
  public int rgb(int x, int y) {
    int c = (y / subY) * chromaWidth() + x / subX;
    float l = this.y[y * width + x] & 0xFF;
    float u = (cb[c] & 0xFF) - 128f;
    float v = (cr[c] & 0xFF) - 128f;
    return clamp(red(l, v)) << 16 | clamp(green(l, u, v)) << 8 | clamp(blue(l, u));
  }

  /** JFIF red from luma and centred Cr (Cr - 128), unclamped. */
  public static float red(float luma, float crCentred) {
    return luma + 1.402f * crCentred;
  }

  /** JFIF green from luma and centred Cb and Cr, unclamped. */
  public static float green(float luma, float cbCentred, float crCentred) {
    return luma - 0.344136f * cbCentred - 0.714136f * crCentred;
  }

  /** JFIF blue from luma and centred Cb, unclamped. */
  public static float blue(float luma, float cbCentred) {
    return luma + 1.772f * cbCentred;
  }

  private static int clamp(float v) {
    return Math.round(Math.max(0f, Math.min(255f, v)));
  }

  @Override
  public String toString() {
    return "YccImage[" + width + "x" + height + ", chroma /" + subX + "x" + subY + "]";
  }
}
