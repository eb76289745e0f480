package org.affectgate.device.mqtt;

import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.Socket;
import java.util.concurrent.atomic.AtomicReference;
import javax.net.SocketFactory;

/**
 * Plain TCP sockets whose input stream throws a prepared {@link Error} on its next read once {@link
 * #failNextRead} was called (once), as Paho's receiver thread meets an {@link OutOfMemoryError}
 * when it allocates an oversized packet.
 */
final class FaultySocketFactory extends SocketFactory {
  private final AtomicReference<Error> next = new AtomicReference<>();

  /** The next read on any socket of this factory throws {@code error}. */
  void failNextRead(Error error) {
    next.set(error);
  }

  @Override
  public Socket createSocket() {
    return new Socket() {
      @Override
      public InputStream getInputStream() throws IOException {
        return new FilterInputStream(super.getInputStream()) {
          @Override
          public int read() throws IOException {
            throwIfArmed();
            return super.read();
          }

          @Override
          public int read(byte[] b, int off, int len) throws IOException {
            throwIfArmed();
            return super.read(b, off, len);
          }
        };
      }
    };
  }

  private void throwIfArmed() {
    Error e = next.getAndSet(null);
    if (e != null) {
      throw e;
    }
  }

  @Override
  public Socket createSocket(String host, int port) throws IOException {
    Socket s = createSocket();
    s.connect(new java.net.InetSocketAddress(host, port));
    return s;
  }

  @Override
  public Socket createSocket(String host, int port, InetAddress localHost, int localPort)
      throws IOException {
    return createSocket(host, port);
  }

  @Override
  public Socket createSocket(InetAddress host, int port) throws IOException {
    return createSocket(host.getHostAddress(), port);
  }

  @Override
  public Socket createSocket(InetAddress address, int port, InetAddress localAddress, int localPort)
      throws IOException {
    return createSocket(address, port);
  }
}
