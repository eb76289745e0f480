package org.affectgate.features.face;

import static org.assertj.core.api.Assertions.assertThat;

import java.awt.Color;
import java.awt.Graphics2D;
import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import javax.imageio.ImageIO;

/**
 * Real face photos for tests, read at test time from {@code ../shared/datasets/faces-eval} beside
 * the repository (never copied into it). Fails the test, with the reason, when that folder is
 * absent: CI has it. Public for the agent's camera tests (through this module's test-jar).
 */
public final class SharedFaces {
  private SharedFaces() {}

  public static Path dir() {
    Path root = Path.of(System.getProperty("affectgate.repoRoot", "."));
    Path dir = root.resolve("../shared/datasets/faces-eval").normalize();
    assertThat(dir.resolve("labels.csv"))
        .as(
            "this test reads real faces from %s (the shared datasets folder beside the repo, as in"
                + " CI); it is missing",
            dir)
        .isRegularFile();
    return dir;
  }

  /** The first {@code n} photos of labels.csv ({@code image,emotion} rows), decoded. */
  public static List<BufferedImage> photos(int n) throws IOException {
    Path dir = dir();
    List<String> lines = Files.readAllLines(dir.resolve("labels.csv"));
    return lines.subList(1, lines.size()).stream()
        .map(line -> line.split(","))
        .filter(cols -> cols.length >= 2)
        .limit(n)
        .map(cols -> read(dir.resolve("images").resolve(cols[0].trim())))
        .toList();
  }

  private static BufferedImage read(Path p) {
    try {
      return ImageIO.read(p.toFile());
    } catch (IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
  }

  /** A colour JPEG frame of {@code cols x rows} tiles of {@code tile} px, one photo per tile. */
  public static byte[] grid(List<BufferedImage> photos, int cols, int rows, int tile)
      throws IOException {
    BufferedImage frame = new BufferedImage(cols * tile, rows * tile, BufferedImage.TYPE_3BYTE_BGR);
    Graphics2D g = frame.createGraphics();
    g.setColor(Color.DARK_GRAY);
    g.fillRect(0, 0, frame.getWidth(), frame.getHeight());
    for (int i = 0; i < cols * rows && i < photos.size(); i++) {
      g.drawImage(photos.get(i), (i % cols) * tile, (i / cols) * tile, tile, tile, null);
    }
    g.dispose();
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    ImageIO.write(frame, "jpeg", out);
    return out.toByteArray();
  }
}
