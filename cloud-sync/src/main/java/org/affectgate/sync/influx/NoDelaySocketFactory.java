package org.affectgate.sync.influx;

import java.io.IOException;
import java.net.InetAddress;
import java.net.Socket;
import javax.net.SocketFactory;

/**
 * Plain sockets with {@code TCP_NODELAY}. OkHttp writes request headers and body as separate
 * segments; with Nagle's algorithm on, the body waits for the server's delayed ACK (about 40 ms on
 * Linux), which capped a write at roughly 25 requests per second regardless of size.
 */
final class NoDelaySocketFactory extends SocketFactory {
  private final SocketFactory delegate = SocketFactory.getDefault();

  private static Socket noDelay(Socket s) throws IOException {
    s.setTcpNoDelay(true);
    return s;
  }

  @Override
  public Socket createSocket() throws IOException {
    return noDelay(delegate.createSocket());
  }

  @Override
  public Socket createSocket(String host, int port) throws IOException {
    return noDelay(delegate.createSocket(host, port));
  }

  @Override
  public Socket createSocket(String host, int port, InetAddress localHost, int localPort)
      throws IOException {
    return noDelay(delegate.createSocket(host, port, localHost, localPort));
  }

  @Override
  public Socket createSocket(InetAddress host, int port) throws IOException {
    return noDelay(delegate.createSocket(host, port));
  }

  @Override
  public Socket createSocket(InetAddress address, int port, InetAddress localAddress, int localPort)
      throws IOException {
    return noDelay(delegate.createSocket(address, port, localAddress, localPort));
  }
}
