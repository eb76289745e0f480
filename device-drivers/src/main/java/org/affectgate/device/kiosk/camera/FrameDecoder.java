package org.affectgate.device.kiosk.camera;

import java.awt.Graphics2D;
import java.awt.image.BufferedImage;
import java.awt.image.DataBufferByte;
import java.io.ByteArrayInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.lang.ref.WeakReference;
import java.util.EnumMap;
import java.util.Iterator;
import java.util.Map;
import java.util.Objects;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.stream.Stream;
import javax.imageio.ImageIO;
import javax.imageio.ImageReader;
import javax.imageio.stream.ImageInputStream;
import javax.imageio.stream.MemoryCacheImageInputStream;
import org.affectgate.device.ingest.ParseResult;
import org.affectgate.device.ingest.RejectReason;

/**
 * Decodes an accepted {@link CameraFrame} into pixels: JPEG with libjpeg-turbo ({@link
 * TurboJpegDecoder}, planar {@link YccImage} output) where the system has it, everything else and
 * JPEG without it with the JDK's ImageIO readers ({@link InterleavedImage} output).
 *
 * <p>Bounded cost: the frame's size was checked against the {@link CameraLimits} from its header by
 * {@link CameraPayloadParser}; here the reader's own view of the dimensions ({@code getWidth(0)},
 * read before any pixel) must agree with it, or the frame is {@link RejectReason#CORRUPT_IMAGE}.
 * Input streams are {@link MemoryCacheImageInputStream}s, so no image byte ever touches a temp file
 * (ImageIO's default may use a disk cache).
 *
 * <p>A decoder warning (e.g. "premature end of data segment") or exception makes the frame {@link
 * RejectReason#CORRUPT_IMAGE} ({@link RejectReason#TRUNCATED_IMAGE} for an end-of-file). ImageIO's
 * colour output is interleaved BGR, greyscale stays one channel; alpha is dropped (composited on
 * black), palette and 16-bit PNGs are converted to 8-bit BGR.
 *
 * <p>Threads: call from worker threads (tens of milliseconds per megapixel), never from an event
 * loop. Thread-safe: each thread keeps its own readers.
 */
public final class FrameDecoder {
  private final ThreadLocal<Map<ImageFormat, ImageReader>> readers =
      ThreadLocal.withInitial(() -> new EnumMap<>(ImageFormat.class));
  private final TurboJpegDecoder turbo;
  private final ThreadLocal<PlaneBuffers> planes;

  /** Every thread's planes, weakly: a thread that ended takes its planes with it. */
  private final Queue<WeakReference<PlaneBuffers>> allPlanes = new ConcurrentLinkedQueue<>();

  /**
   * JPEG through libjpeg-turbo when {@link TurboJpegDecoder#get()} has it, else ImageIO; every
   * image in arrays of its own.
   */
  public FrameDecoder() {
    this(TurboJpegDecoder.get().decoder(), false);
  }

  private FrameDecoder(TurboJpegDecoder turbo, boolean reusePlanes) {
    this.turbo = turbo;
    this.planes =
        reusePlanes
            ? ThreadLocal.withInitial(
                () -> {
                  PlaneBuffers b = new PlaneBuffers();
                  allPlanes.removeIf(r -> r.get() == null);
                  allPlanes.add(new WeakReference<>(b));
                  return b;
                })
            : null;
  }

  /** Every format through ImageIO, whatever the system has (the reference path for tests). */
  public static FrameDecoder imageIoOnly() {
    return new FrameDecoder(null, false);
  }

  /**
   * As {@link #FrameDecoder()}, but a libjpeg-turbo {@link YccImage} lives in arrays that this
   * decoder hands out again for the calling thread's next frame of the same size (saving the
   * allocation and zeroing of the planes, about an eighth of the decode). Contract: <b>an image is
   * valid only until the same thread's next {@link #decode} through this decoder</b>, so decode and
   * use it in one task (the camera workers, the evaluation and benchmark loops) and keep nothing
   * that points into it.
   *
   * <p>Memory and privacy: each thread that decoded keeps one set of planes, the size of its last
   * frame (1.5 bytes per pixel at 4:2:0), and so that frame's pixels, reachable until its next
   * frame overwrites them or {@link #releasePlanes()} lets go of them; nothing is ever written out.
   */
  public static FrameDecoder reusingPlanes() {
    return new FrameDecoder(TurboJpegDecoder.get().decoder(), true);
  }

  /**
   * Lets go of every thread's reused planes (a consent withdrawal or end, shutdown): no pixel of an
   * earlier frame stays reachable through this decoder once decodes running now have finished. A
   * no-op without {@link #reusingPlanes()}. Any thread; never blocks.
   */
  public void releasePlanes() {
    livePlanes().forEach(PlaneBuffers::release);
  }

  /** Bytes of reused planes held across all threads (0 without {@link #reusingPlanes()}). */
  public long heldPlaneBytes() {
    return livePlanes().mapToLong(PlaneBuffers::bytes).sum();
  }

  private Stream<PlaneBuffers> livePlanes() {
    return allPlanes.stream().map(WeakReference::get).filter(Objects::nonNull);
  }

  /** Which decoder reads JPEG frames, for start-up logs, check-config and benchmarks. */
  public String jpegDecoder() {
    return turbo != null
        ? turbo.version()
        : "ImageIO"
            + (TurboJpegDecoder.get().unavailableReason() == null
                ? ""
                : " (libjpeg-turbo unavailable: "
                    + TurboJpegDecoder.get().unavailableReason()
                    + ")");
  }

  /** {@link #decode(byte[], ImageInfo)} of the frame's image. */
  public ParseResult<DecodedImage> decode(CameraFrame frame) {
    return decode(frame.image(), frame.info());
  }

  /**
   * @param image the encoded bytes
   * @param info what {@link ImageHeaderReader} read from them
   * @return the pixels, or why not; with {@link #reusingPlanes()} valid until the calling thread's
   *     next decode
   */
  public ParseResult<DecodedImage> decode(byte[] image, ImageInfo info) {
    if (turbo != null && info.format() == ImageFormat.JPEG) {
      return turbo.decode(image, info, planes == null ? null : planes.get());
    }
    ImageReader reader = readerFor(info.format());
    if (reader == null) {
      return ParseResult.rejected(
          RejectReason.UNSUPPORTED_IMAGE_FORMAT, "no ImageIO reader for " + info.format().tag());
    }
    boolean[] warned = new boolean[1];
    reader.addIIOReadWarningListener((source, warning) -> warned[0] = true);
    try (ImageInputStream in = new MemoryCacheImageInputStream(new ByteArrayInputStream(image))) {
      reader.setInput(in, true, true);
      int w = reader.getWidth(0);
      int h = reader.getHeight(0);
      if (w != info.width() || h != info.height()) {
        return sizeDisagrees(w, h, info);
      }
      BufferedImage img = reader.read(0);
      if (warned[0]) {
        return ParseResult.rejected(RejectReason.CORRUPT_IMAGE, "decoder reported corrupt data");
      }
      return ParseResult.ok(toPixels(img));
    } catch (EOFException e) {
      return ParseResult.rejected(RejectReason.TRUNCATED_IMAGE, "decoder hit end of data");
    } catch (IOException | RuntimeException e) {
      return ParseResult.rejected(
          RejectReason.CORRUPT_IMAGE, "decoder failed: " + e.getClass().getSimpleName());
    } finally {
      reader.removeAllIIOReadWarningListeners();
      reader.setInput(null);
    }
  }

  /** The rejection for a decoder that sees another size than the header reader did. */
  static <T> ParseResult<T> sizeDisagrees(int w, int h, ImageInfo info) {
    return ParseResult.rejected(
        RejectReason.CORRUPT_IMAGE,
        "decoder sees " + w + "x" + h + ", header declared " + info.width() + "x" + info.height());
  }

  private ImageReader readerFor(ImageFormat format) {
    return readers
        .get()
        .computeIfAbsent(
            format,
            f -> {
              Iterator<ImageReader> it = ImageIO.getImageReadersByFormatName(f.tag());
              return it.hasNext() ? it.next() : null;
            });
  }

  static InterleavedImage toPixels(BufferedImage img) {
    int w = img.getWidth();
    int h = img.getHeight();
    if (img.getType() == BufferedImage.TYPE_BYTE_GRAY
        || img.getType() == BufferedImage.TYPE_3BYTE_BGR) {
      byte[] data = ((DataBufferByte) img.getRaster().getDataBuffer()).getData();
      int channels = img.getType() == BufferedImage.TYPE_BYTE_GRAY ? 1 : 3;
      if (data.length == w * h * channels
          && img.getRaster().getSampleModelTranslateX() == 0
          && img.getRaster().getSampleModelTranslateY() == 0) {
        return new InterleavedImage(w, h, channels, data);
      }
    }
    BufferedImage bgr = new BufferedImage(w, h, BufferedImage.TYPE_3BYTE_BGR);
    Graphics2D g = bgr.createGraphics();
    try {
      g.drawImage(img, 0, 0, null);
    } finally {
      g.dispose();
    }
    return new InterleavedImage(
        w, h, 3, ((DataBufferByte) bgr.getRaster().getDataBuffer()).getData());
  }
}
