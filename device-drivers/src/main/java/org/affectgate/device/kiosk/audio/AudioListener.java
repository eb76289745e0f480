package org.affectgate.device.kiosk.audio;

/**
 * Receives decoded kiosk audio from a source ({@link KioskAudioMqttSource} or {@link
 * JavaSoundCaptureSource}).
 *
 * <p>Threads: called on the source's thread (MQTT callback or capture thread), one chunk at a time
 * per source; must not block: hand the chunk to a bounded queue and return.
 */
@FunctionalInterface
public interface AudioListener {
  void onChunk(AudioChunk chunk);
}
