package org.affectgate.agent.context;

/** A kind of inference the agent can run, as reported by check-config and /status. */
public enum Inference {
  /** HRV features (heart rate, RMSSD) of consented wearables, aggregated over ≥ k subjects. */
  HRV_WELLNESS("hrv-wellness", false),
  /** Facial expression → emotion class (kiosk camera). */
  FACE_EMOTION("face-emotion", true),
  /** Voice prosody → emotion / arousal (kiosk microphone). */
  VOICE_EMOTION("voice-emotion", true);

  private final String key;
  private final boolean emotion;

  Inference(String key, boolean emotion) {
    this.key = key;
    this.emotion = emotion;
  }

  public String key() {
    return key;
  }

  /** Whether this infers emotions of a person in the sense of EU AI Act Art. 3(39). */
  public boolean infersEmotion() {
    return emotion;
  }
}
