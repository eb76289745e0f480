package org.affectgate.device.kiosk.camera;

import java.lang.invoke.MethodHandle;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.MethodType;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import org.affectgate.device.ingest.ParseResult;
import org.affectgate.device.ingest.RejectReason;

/**
 * JPEG decoding with libjpeg-turbo's TurboJPEG API (SIMD: SSE2/AVX2 on x86, NEON on the Pi's
 * Cortex-A), about 2.5x faster than ImageIO's decoder on a 640 x 480 frame.
 *
 * <p>The binding is Debian's and Raspberry Pi OS's {@code libturbojpeg-java} (the jar, {@value
 * #DEFAULT_JAR}) with {@code libturbojpeg0-dev} (which provides the {@code libturbojpeg.so} name
 * the binding's loader asks for); {@code deploy/install.sh} and {@code deploy/dev/services.sh}
 * install both. It is not on Maven Central, so it is loaded at run time from the jar (system
 * property {@value #JAR_PROPERTY} overrides the path) and called through method handles; when it is
 * missing, {@link #get()} says why and {@link FrameDecoder} uses ImageIO.
 *
 * <p>Output: a YCbCr JPEG whose chroma is subsampled at most 2 x 2 and whose size is a multiple of
 * it is returned as its planes ({@link YccImage}: no colour conversion, no upsampling); a greyscale
 * JPEG as one channel; anything else (4:1:1, odd sizes, Adobe RGB) as interleaved BGR. Planes are
 * fresh arrays unless the caller passes the {@link PlaneBuffers} of its thread to reuse.
 *
 * <p>Errors: the decoder stops at the first warning; "premature end" is {@link
 * RejectReason#TRUNCATED_IMAGE}, every other warning or error {@link RejectReason#CORRUPT_IMAGE}.
 * Thread-safe: each thread keeps its own native decompressor (freed with the thread's last
 * reference by the binding's finaliser), replaced after any failed frame.
 */
public final class TurboJpegDecoder {
  public static final String JAR_PROPERTY = "affectgate.turbojpeg.jar";
  public static final String DEFAULT_JAR = "/usr/share/java/turbojpeg.jar";
  private static final String PKG = "org.libjpegturbo.turbojpeg.";

  /** Loaded once per JVM: a JNI library can belong to one class loader only. */
  private static final class Holder {
    static final Loaded LOADED = load();
  }

  /** The decoder, or why it cannot be had. */
  public record Loaded(TurboJpegDecoder decoder, String unavailableReason) {}

  private final MethodHandle newDecompressor;
  private final MethodHandle setSource;
  private final MethodHandle width;
  private final MethodHandle height;
  private final MethodHandle subsamp;
  private final MethodHandle colorspace;
  private final MethodHandle decompress;
  private final MethodHandle decompressToYuv;
  private final MethodHandle newYuv;
  private final MethodHandle errorCode;
  private final MethodHandle close;
  private final Class<?> tjException;
  private final String version;
  private final ThreadLocal<Object> decompressors;

  private TurboJpegDecoder(ClassLoader loader, String version) throws ReflectiveOperationException {
    MethodHandles.Lookup l = MethodHandles.publicLookup();
    Class<?> d = Class.forName(PKG + "TJDecompressor", true, loader);
    Class<?> yuv = Class.forName(PKG + "YUVImage", true, loader);
    tjException = Class.forName(PKG + "TJException", true, loader);
    MethodType ints = MethodType.methodType(int.class);
    newDecompressor = l.findConstructor(d, MethodType.methodType(void.class));
    setSource =
        l.findVirtual(
            d, "setSourceImage", MethodType.methodType(void.class, byte[].class, int.class));
    width = l.findVirtual(d, "getWidth", ints);
    height = l.findVirtual(d, "getHeight", ints);
    subsamp = l.findVirtual(d, "getSubsamp", ints);
    colorspace = l.findVirtual(d, "getColorspace", ints);
    decompress =
        l.findVirtual(
            d,
            "decompress",
            MethodType.methodType(
                void.class,
                byte[].class,
                int.class,
                int.class,
                int.class,
                int.class,
                int.class,
                int.class,
                int.class));
    decompressToYuv =
        l.findVirtual(d, "decompressToYUV", MethodType.methodType(void.class, yuv, int.class));
    newYuv =
        l.findConstructor(
            yuv,
            MethodType.methodType(
                void.class,
                byte[][].class,
                int[].class,
                int.class,
                int[].class,
                int.class,
                int.class));
    errorCode = l.findVirtual(tjException, "getErrorCode", ints);
    close = l.findVirtual(d, "close", MethodType.methodType(void.class));
    this.version = version;
    this.decompressors =
        ThreadLocal.withInitial(
            () -> {
              try {
                return newDecompressor.invoke();
              } catch (Throwable t) {
                throw new IllegalStateException("TurboJPEG decompressor init failed", t);
              }
            });
    Tj.check(Class.forName(PKG + "TJ", true, loader));
  }

  /** The process-wide decoder, loaded on first use. */
  public static Loaded get() {
    return Holder.LOADED;
  }

  private static Loaded load() {
    Path jar = Path.of(System.getProperty(JAR_PROPERTY, DEFAULT_JAR));
    if (!Files.isReadable(jar)) {
      return new Loaded(
          null,
          jar + " not found (install the Debian packages libturbojpeg-java libturbojpeg0-dev)");
    }
    try {
      URLClassLoader loader =
          new URLClassLoader(
              "turbojpeg",
              new URL[] {jar.toUri().toURL()},
              TurboJpegDecoder.class.getClassLoader());
      return new Loaded(
          new TurboJpegDecoder(loader, "libjpeg-turbo TurboJPEG (" + jar + ")"), null);
    } catch (Throwable t) {
      return new Loaded(
          null,
          "cannot load TurboJPEG from "
              + jar
              + ": "
              + t.getClass().getSimpleName()
              + (t.getMessage() == null ? "" : " " + t.getMessage())
              + " (is libturbojpeg0-dev installed?)");
    }
  }

  /** What decodes, for logs and the status page. */
  public String version() {
    return version;
  }

  /**
   * Decodes {@code image} (a JPEG whose header {@link ImageHeaderReader} accepted as {@code info})
   * into fresh arrays.
   */
  public ParseResult<DecodedImage> decode(byte[] image, ImageInfo info) {
    return decode(image, info, null);
  }

  /**
   * As {@link #decode(byte[], ImageInfo)}, planes into the calling thread's {@code reuse} when it
   * is not null (the image that held them before is overwritten).
   */
  ParseResult<DecodedImage> decode(byte[] image, ImageInfo info, PlaneBuffers reuse) {
    Object d = decompressors.get();
    try {
      setSource.invoke(d, image, image.length);
      int w = (int) width.invoke(d);
      int h = (int) height.invoke(d);
      if (w != info.width() || h != info.height()) {
        return FrameDecoder.sizeDisagrees(w, h, info);
      }
      int cs = (int) colorspace.invoke(d);
      int ss = (int) subsamp.invoke(d);
      if (cs == Tj.CS_CMYK || cs == Tj.CS_YCCK) {
        return ParseResult.rejected(
            RejectReason.UNSUPPORTED_COLOR_SPACE, "4-component (CMYK/YCCK) JPEG");
      }
      if (cs == Tj.CS_GRAY) {
        byte[] grey = new byte[w * h];
        decompress.invoke(d, grey, 0, 0, w, 0, h, Tj.PF_GRAY, Tj.FLAG_STOPONWARNING);
        return ParseResult.ok(new InterleavedImage(w, h, 1, grey));
      }
      int subX = ss == Tj.SAMP_444 || ss == Tj.SAMP_440 ? 1 : 2;
      int subY = ss == Tj.SAMP_444 || ss == Tj.SAMP_422 ? 1 : 2;
      boolean planar =
          cs == Tj.CS_YCbCr
              && ss != Tj.SAMP_411
              && ss != Tj.SAMP_GRAY
              && w % subX == 0
              && h % subY == 0;
      if (planar) {
        int cw = w / subX;
        int ch = h / subY;
        byte[][] planes =
            reuse != null
                ? reuse.take(w * h, cw * ch)
                : new byte[][] {new byte[w * h], new byte[cw * ch], new byte[cw * ch]};
        Object yuv = newYuv.invoke(planes, new int[3], w, new int[] {w, cw, cw}, h, ss);
        decompressToYuv.invoke(d, yuv, Tj.FLAG_STOPONWARNING);
        return ParseResult.ok(new YccImage(w, h, subX, subY, planes[0], planes[1], planes[2]));
      }
      byte[] bgr = new byte[w * h * 3];
      decompress.invoke(d, bgr, 0, 0, w, 0, h, Tj.PF_BGR, Tj.FLAG_STOPONWARNING);
      return ParseResult.ok(new InterleavedImage(w, h, 3, bgr));
    } catch (Throwable t) {
      discard(d);
      if (!tjException.isInstance(t)) {
        return ParseResult.rejected(
            RejectReason.CORRUPT_IMAGE,
            "decoder failed: " + t.getClass().getSimpleName() + " " + t.getMessage());
      }
      String message = String.valueOf(t.getMessage());
      if (message.toLowerCase(Locale.ROOT).contains("premature end of jpeg file")) {
        return ParseResult.rejected(RejectReason.TRUNCATED_IMAGE, "decoder hit end of data");
      }
      return ParseResult.rejected(
          RejectReason.CORRUPT_IMAGE,
          (isWarning(t) ? "corrupt data: " : "decoder failed: ") + message);
    }
  }

  /**
   * Frees this thread's decompressor after a failed frame: the native handle keeps state from the
   * failure (measured: the next, valid, header read fails with the old frame's error), so the next
   * frame gets a fresh one.
   */
  private void discard(Object d) {
    decompressors.remove();
    try {
      close.invoke(d);
    } catch (Throwable ignored) {
      // already unusable; the finaliser frees what close could not
    }
  }

  private boolean isWarning(Throwable t) {
    try {
      return (int) errorCode.invoke(t) == Tj.ERR_WARNING;
    } catch (Throwable e) {
      return false;
    }
  }

  /**
   * The binding's constants ({@code org.libjpegturbo.turbojpeg.TJ}), checked against the loaded jar
   * so a binding that renumbered them is refused at load rather than misread.
   */
  private static final class Tj {
    static final int SAMP_444 = 0;
    static final int SAMP_422 = 1;
    static final int SAMP_420 = 2;
    static final int SAMP_GRAY = 3;
    static final int SAMP_440 = 4;
    static final int SAMP_411 = 5;
    static final int PF_BGR = 1;
    static final int PF_GRAY = 6;
    static final int CS_YCbCr = 1;
    static final int CS_GRAY = 2;
    static final int CS_CMYK = 3;
    static final int CS_YCCK = 4;
    static final int FLAG_STOPONWARNING = 8192;
    static final int ERR_WARNING = 0;

    static void check(Class<?> tj) throws ReflectiveOperationException {
      for (java.lang.reflect.Field f : Tj.class.getDeclaredFields()) {
        if (f.getType() == int.class && f.getInt(null) != tj.getField(f.getName()).getInt(null)) {
          throw new IllegalStateException("TJ." + f.getName() + " differs from the binding");
        }
      }
    }
  }
}
