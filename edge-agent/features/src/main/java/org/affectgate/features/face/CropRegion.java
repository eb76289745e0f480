package org.affectgate.features.face;

import org.affectgate.device.kiosk.camera.DecodedImage;

/**
 * The part of a frame a {@code size x size} crop samples (its four corners widened by one pixel,
 * plus one pixel of margin), clamped to the frame; edges replicate outside it. Frame pixels.
 */
record CropRegion(int x0, int y0, int width, int height) {
  static CropRegion covering(DecodedImage img, Similarity cropToFrame, int size) {
    double minX = Double.MAX_VALUE;
    double minY = Double.MAX_VALUE;
    double maxX = -Double.MAX_VALUE;
    double maxY = -Double.MAX_VALUE;
    for (double cx : new double[] {-1, size}) {
      for (double cy : new double[] {-1, size}) {
        double x = cropToFrame.mapX(cx, cy);
        double y = cropToFrame.mapY(cx, cy);
        minX = Math.min(minX, x);
        minY = Math.min(minY, y);
        maxX = Math.max(maxX, x);
        maxY = Math.max(maxY, y);
      }
    }
    int x0 = clamp((int) Math.floor(minX) - 1, img.width() - 1);
    int y0 = clamp((int) Math.floor(minY) - 1, img.height() - 1);
    int x1 = clamp((int) Math.ceil(maxX) + 1, img.width() - 1);
    int y1 = clamp((int) Math.ceil(maxY) + 1, img.height() - 1);
    return new CropRegion(x0, y0, x1 - x0 + 1, y1 - y0 + 1);
  }

  private static int clamp(int v, int max) {
    return v < 0 ? 0 : Math.min(v, max);
  }
}
