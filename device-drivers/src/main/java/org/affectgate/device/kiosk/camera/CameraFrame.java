package org.affectgate.device.kiosk.camera;

import java.util.Objects;

/**
 * One accepted, still encoded camera frame. Holds image bytes of a person's face: keep it in memory
 * only, never log, store or forward it; {@link #toString()} leaves the bytes out.
 *
 * @param seq the kiosk's frame counter, 0..2^32-1
 * @param captureTimeMs capture time at the kiosk, epoch milliseconds UTC
 * @param info the header's declared format and size, already checked against the limits
 * @param image the encoded image (JPEG or PNG) as received; not copied, do not modify
 */
public record CameraFrame(
    String site, String kioskId, long seq, long captureTimeMs, ImageInfo info, byte[] image) {
  public CameraFrame {
    Objects.requireNonNull(site, "site");
    Objects.requireNonNull(kioskId, "kioskId");
    Objects.requireNonNull(info, "info");
    Objects.requireNonNull(image, "image");
  }

  @Override
  public String toString() {
    return "CameraFrame["
        + site
        + "/"
        + kioskId
        + " seq="
        + seq
        + " t="
        + captureTimeMs
        + " "
        + info
        + " "
        + image.length
        + " bytes]";
  }
}
