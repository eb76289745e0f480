package org.affectgate.device.kiosk.camera;

/**
 * What an image's header declares, read without decoding any pixel.
 *
 * @param format the encoding recognised from the magic bytes
 * @param width declared width in pixels, > 0
 * @param height declared height in pixels, > 0
 * @param components colour components: 1 (grey), 2 (grey + alpha, PNG), 3 (colour) or 4 (PNG RGBA)
 */
public record ImageInfo(ImageFormat format, int width, int height, int components) {
  public long pixels() {
    return (long) width * height;
  }
}
