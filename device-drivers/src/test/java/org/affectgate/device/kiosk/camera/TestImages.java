package org.affectgate.device.kiosk.camera;

import java.awt.Color;
import java.awt.Graphics2D;
import java.awt.image.BufferedImage;
import java.awt.image.Raster;
import java.awt.image.WritableRaster;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import javax.imageio.IIOImage;
import javax.imageio.ImageIO;
import javax.imageio.ImageTypeSpecifier;
import javax.imageio.ImageWriteParam;
import javax.imageio.ImageWriter;
import javax.imageio.metadata.IIOMetadata;
import javax.imageio.metadata.IIOMetadataNode;
import javax.imageio.stream.MemoryCacheImageOutputStream;

/** Synthetic test images, generated in memory (no photo of anyone). */
public final class TestImages {
  private TestImages() {}

  /** A colour test card: blue left half, red right half, a white square in the middle. */
  public static BufferedImage card(int width, int height) {
    BufferedImage img = new BufferedImage(width, height, BufferedImage.TYPE_3BYTE_BGR);
    Graphics2D g = img.createGraphics();
    g.setColor(new Color(20, 40, 220));
    g.fillRect(0, 0, width / 2, height);
    g.setColor(new Color(220, 30, 20));
    g.fillRect(width / 2, 0, width - width / 2, height);
    g.setColor(Color.WHITE);
    g.fillRect(width / 4, height / 4, width / 2, height / 2);
    g.dispose();
    return img;
  }

  public static BufferedImage grey(int width, int height) {
    BufferedImage img = new BufferedImage(width, height, BufferedImage.TYPE_BYTE_GRAY);
    Graphics2D g = img.createGraphics();
    g.setColor(Color.GRAY);
    g.fillRect(0, 0, width, height);
    g.dispose();
    return img;
  }

  public static byte[] encode(BufferedImage img, String format) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    try {
      if (!ImageIO.write(img, format, out)) {
        throw new IllegalStateException("no writer for " + format);
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return out.toByteArray();
  }

  public static byte[] jpeg(int width, int height) {
    return encode(card(width, height), "jpeg");
  }

  public static byte[] png(int width, int height) {
    return encode(card(width, height), "png");
  }

  /**
   * {@code img} as a YCbCr JPEG whose luma sampling factors are {@code h x v} (chroma 1 x 1): 2, 2
   * is 4:2:0 (ImageIO's default), 2, 1 is 4:2:2 (most USB webcams' MJPEG), 1, 1 is 4:4:4.
   */
  public static byte[] jpegSampled(BufferedImage img, int h, int v) {
    ImageWriter writer = ImageIO.getImageWritersByFormatName("jpeg").next();
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    try (MemoryCacheImageOutputStream ios = new MemoryCacheImageOutputStream(out)) {
      ImageWriteParam param = writer.getDefaultWriteParam();
      IIOMetadata meta = writer.getDefaultImageMetadata(new ImageTypeSpecifier(img), param);
      String format = "javax_imageio_jpeg_image_1.0";
      IIOMetadataNode root = (IIOMetadataNode) meta.getAsTree(format);
      IIOMetadataNode luma = (IIOMetadataNode) root.getElementsByTagName("componentSpec").item(0);
      luma.setAttribute("HsamplingFactor", Integer.toString(h));
      luma.setAttribute("VsamplingFactor", Integer.toString(v));
      meta.setFromTree(format, root);
      writer.setOutput(ios);
      writer.write(null, new IIOImage(img, null, meta), param);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } finally {
      writer.dispose();
    }
    return out.toByteArray();
  }

  /** A 4-component (CMYK/Adobe) JPEG, as print workflows write them. */
  public static byte[] cmykJpeg(int width, int height) {
    WritableRaster raster = Raster.createInterleavedRaster(0, width, height, 4, null);
    for (int y = 0; y < height; y++) {
      for (int x = 0; x < width; x++) {
        raster.setPixel(x, y, new int[] {x % 256, y % 256, 80, 10});
      }
    }
    ImageWriter writer = ImageIO.getImageWritersByFormatName("jpeg").next();
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    try (MemoryCacheImageOutputStream ios = new MemoryCacheImageOutputStream(out)) {
      writer.setOutput(ios);
      writer.write(null, new IIOImage(raster, null, null), writer.getDefaultWriteParam());
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } finally {
      writer.dispose();
    }
    return out.toByteArray();
  }

  /** A minimal WebP (RIFF/WEBP container) header, as some ".jpg" files really are. */
  public static byte[] webpHeader() {
    return new byte[] {
      'R', 'I', 'F', 'F', 0x24, 0, 0, 0, 'W', 'E', 'B', 'P', 'V', 'P', '8', ' ', 0x18, 0, 0, 0
    };
  }

  /** Offset of the first SOF0/1/2 segment's length field in a JPEG, or -1. */
  public static int sofOffset(byte[] jpeg) {
    int pos = 2;
    while (pos + 4 <= jpeg.length) {
      int marker = jpeg[pos + 1] & 0xFF;
      int len = ((jpeg[pos + 2] & 0xFF) << 8) | (jpeg[pos + 3] & 0xFF);
      if (marker == 0xC0 || marker == 0xC1 || marker == 0xC2) {
        return pos + 2;
      }
      pos += 2 + len;
    }
    return -1;
  }

  /** A copy of {@code jpeg} whose frame header declares {@code width x height}. */
  public static byte[] withDeclaredSize(byte[] jpeg, int width, int height) {
    byte[] out = jpeg.clone();
    int sof = sofOffset(out);
    out[sof + 3] = (byte) (height >> 8);
    out[sof + 4] = (byte) height;
    out[sof + 5] = (byte) (width >> 8);
    out[sof + 6] = (byte) width;
    return out;
  }
}
