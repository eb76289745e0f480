package org.affectgate.device.kiosk.camera;

/**
 * Bounds on what a camera frame may cost to decode, checked against the declared header before any
 * pixel is decoded (so a small file declaring a huge image is refused unread).
 *
 * @param maxWidth {@code camera.maxWidth}: widest accepted frame in pixels, 1..16384
 * @param maxHeight {@code camera.maxHeight}: tallest accepted frame in pixels, 1..16384
 * @param maxPixels {@code camera.maxPixels}: most pixels per frame, 1..{@code maxWidth *
 *     maxHeight}; bounds decode memory at {@code 3 * maxPixels} bytes
 */
public record CameraLimits(int maxWidth, int maxHeight, long maxPixels) {
  public static final int DEFAULT_MAX_WIDTH = 1920;
  public static final int DEFAULT_MAX_HEIGHT = 1920;
  public static final long DEFAULT_MAX_PIXELS = 1920L * 1080;
  static final int HARD_MAX_SIDE = 16_384;

  public CameraLimits {
    if (maxWidth < 1 || maxWidth > HARD_MAX_SIDE) {
      throw new IllegalArgumentException(
          "camera.maxWidth must be between 1 and " + HARD_MAX_SIDE + " (got " + maxWidth + ")");
    }
    if (maxHeight < 1 || maxHeight > HARD_MAX_SIDE) {
      throw new IllegalArgumentException(
          "camera.maxHeight must be between 1 and " + HARD_MAX_SIDE + " (got " + maxHeight + ")");
    }
    if (maxPixels < 1 || maxPixels > (long) maxWidth * maxHeight) {
      throw new IllegalArgumentException(
          "camera.maxPixels must be between 1 and camera.maxWidth * camera.maxHeight = "
              + (long) maxWidth * maxHeight
              + " (got "
              + maxPixels
              + ")");
    }
  }

  public static CameraLimits defaults() {
    return new CameraLimits(DEFAULT_MAX_WIDTH, DEFAULT_MAX_HEIGHT, DEFAULT_MAX_PIXELS);
  }
}
