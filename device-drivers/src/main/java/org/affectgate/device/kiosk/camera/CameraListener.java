package org.affectgate.device.kiosk.camera;

/**
 * Receives accepted camera frames. Called on the MQTT callback thread, one frame at a time; must
 * not block or decode there (hand the frame to a worker).
 */
@FunctionalInterface
public interface CameraListener {
  void onFrame(CameraFrame frame);
}
