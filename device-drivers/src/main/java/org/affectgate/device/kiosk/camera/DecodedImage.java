package org.affectgate.device.kiosk.camera;

/**
 * Decoded pixels, 8 bits per sample, row-major. Holds a person's face: memory only, never written,
 * logged or forwarded; the arrays are not copied and must not be modified.
 *
 * <p>Two layouts, so a JPEG frame need not be colour-converted and upsampled before the vision path
 * reads it: {@link InterleavedImage} (B, G, R or grey, as ImageIO and PNG give it) and {@link
 * YccImage} (the JPEG's own planar Y, Cb, Cr). Consumers that care about speed switch on the
 * layout; {@link #luma} and {@link #rgb} read any layout one pixel at a time.
 */
public sealed interface DecodedImage permits InterleavedImage, YccImage {
  /** Pixels, > 0. */
  int width();

  /** Pixels, > 0. */
  int height();

  /** 1 for a greyscale image, 3 for colour. */
  int channels();

  /** Luma 0..255 of pixel (x, y): {@code 0.299 R + 0.587 G + 0.114 B}, rounded. */
  int luma(int x, int y);

  /** Colour of pixel (x, y) as {@code 0xRRGGBB}. */
  int rgb(int x, int y);
}
