package org.affectgate.device.kiosk.camera;

/**
 * One thread's Y, Cb and Cr arrays, handed out again for the next frame of the same size: a fresh
 * 640 x 480 4:2:0 frame costs 460 KB of zeroed arrays, measured at 0.05 ms of a 0.4 ms decode. A
 * successful decode writes every byte of them, so nothing of an earlier frame survives it (a
 * rejected one may leave part of the previous frame until the next decode or {@link #release}).
 *
 * <p>Threads: {@link #take} on the owning thread only; {@link #release} and {@link #bytes} from any
 * thread. A release while the owner decodes leaves that decode its arrays; they become unreachable
 * once its image is dropped.
 */
final class PlaneBuffers {
  private static final byte[][] NONE = {new byte[0], new byte[0], new byte[0]};

  private volatile byte[][] planes = NONE;

  /**
   * Arrays of {@code lumaBytes} and twice {@code chromaBytes}: the previous ones if they have those
   * sizes (overwriting the image that holds them), else new ones kept for next time.
   */
  byte[][] take(int lumaBytes, int chromaBytes) {
    byte[][] p = planes;
    if (p[0].length != lumaBytes || p[1].length != chromaBytes) {
      p = new byte[][] {new byte[lumaBytes], new byte[chromaBytes], new byte[chromaBytes]};
      planes = p;
    }
    return p;
  }

  /** Lets go of the arrays (and the pixels in them); the next {@link #take} allocates. */
  void release() {
    planes = NONE;
  }

  /** Bytes held. */
  long bytes() {
    byte[][] p = planes;
    return (long) p[0].length + p[1].length + p[2].length;
  }
}
