package org.affectgate.sync.export;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;

/** Cuts a file back to just after its last newline (or to empty if it has none). */
final class TornTail {
  private static final int CHUNK = 4096;

  private TornTail() {}

  static void truncate(FileChannel ch) throws IOException {
    long end = ch.size();
    ByteBuffer buf = ByteBuffer.allocate(CHUNK);
    long pos = end;
    while (pos > 0) {
      int len = (int) Math.min(CHUNK, pos);
      long start = pos - len;
      buf.clear().limit(len);
      int read = 0;
      while (read < len) {
        int n = ch.read(buf, start + read);
        if (n < 0) {
          break;
        }
        read += n;
      }
      for (int i = read - 1; i >= 0; i--) {
        if (buf.get(i) == '\n') {
          cut(ch, start + i + 1, end);
          return;
        }
      }
      pos = start;
    }
    cut(ch, 0, end);
  }

  private static void cut(FileChannel ch, long newSize, long oldSize) throws IOException {
    if (newSize < oldSize) {
      ch.truncate(newSize);
      ch.force(true);
    }
  }
}
