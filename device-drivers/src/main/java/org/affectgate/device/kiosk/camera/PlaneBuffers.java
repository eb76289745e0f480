package org.affectgate.device.kiosk.camera;

/**
 * One thread's Y, Cb and Cr arrays, handed out again for the next frame of the same size: a fresh
 * 640 x 480 4:2:0 frame costs 460 KB of zeroed arrays, measured at 0.05 ms of a 0.4 ms decode. What
 * a decoder writes into them is the next frame's pixels, all of them, so nothing of an earlier
 * frame survives a decode. Not thread-safe: one per thread (see {@link
 * FrameDecoder#reusingPlanes}).
 */
final class PlaneBuffers {
  private byte[][] planes = {new byte[0], new byte[0], new byte[0]};

  /**
   * Arrays of {@code lumaBytes} and twice {@code chromaBytes}: the previous ones if they have those
   * sizes (overwriting the image that holds them), else new ones kept for next time.
   */
  byte[][] take(int lumaBytes, int chromaBytes) {
    if (planes[0].length != lumaBytes || planes[1].length != chromaBytes) {
      planes = new byte[][] {new byte[lumaBytes], new byte[chromaBytes], new byte[chromaBytes]};
    }
    return planes;
  }
}
