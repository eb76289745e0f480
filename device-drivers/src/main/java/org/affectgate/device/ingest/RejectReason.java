package org.affectgate.device.ingest;

/**
 * Why an inbound device payload was not accepted. Each value is a counter tag ({@code reason=...})
 * and appears in the rate-limited log line, so names are stable API.
 */
public enum RejectReason {
  PAYLOAD_TOO_LARGE,
  EMPTY_PAYLOAD,
  UNKNOWN_TOPIC,
  MALFORMED_JSON,
  MISSING_FIELD,
  WRONG_FIELD_TYPE,
  NON_FINITE_NUMBER,
  /** A numeric field is of the right type but outside its documented range (e.g. negative seq). */
  FIELD_OUT_OF_RANGE,
  BPM_OUT_OF_RANGE,
  RR_NOT_POSITIVE,
  BAD_HEADER,
  UNSUPPORTED_VERSION,
  TRUNCATED_FRAME,
  RR_FLAG_WITHOUT_RR,
  TRAILING_ODD_BYTE,
  /** Bytes follow the last field announced by the 0x2A37 flags (no RR flag set). */
  UNEXPECTED_TRAILING_BYTES,
  /**
   * More RR intervals than one Heart Rate Measurement (0x2A37) value can carry: more than {@code
   * HrLimits.MAX_RR_PER_FRAME} (255) in a JSON {@code rr_ms} array or a BLE frame, or a BLE
   * characteristic value longer than the 512 bytes an attribute value may have.
   */
  TOO_MANY_RR_INTERVALS,
  /**
   * The payload's capture time is further ahead of the gateway's clock than {@code
   * ingest.maxFutureSkewSeconds} allows; refused before it can move the device's sequence state.
   */
  FUTURE_TIMESTAMP,
  DUPLICATE,
  SEQ_BACKWARDS,
  NO_CONSENT,
  /**
   * A retained message the broker replayed on a (re)subscription: an old event, never applied as a
   * new one (kiosk consent).
   */
  RETAINED_MESSAGE,
  /** The message's own timestamp is older than its bound allows (kiosk consent grants). */
  MESSAGE_TOO_OLD,
  /** The message's own timestamp is further ahead of the agent's clock than its bound allows. */
  MESSAGE_FROM_FUTURE,
  /** The image bytes are neither JPEG nor PNG (e.g. WebP or GIF, whatever the sender called it). */
  UNSUPPORTED_IMAGE_FORMAT,
  /** A JPEG with 4 components (CMYK or YCCK); kiosk cameras send YCbCr or greyscale. */
  UNSUPPORTED_COLOR_SPACE,
  /** Declared width or height is 0, or the payload holds no image bytes after its header. */
  ZERO_SIZE_IMAGE,
  /** Declared dimensions exceed the configured limit; rejected before any pixel is decoded. */
  IMAGE_TOO_LARGE,
  /** The image ends before its end marker (JPEG EOI, PNG IEND). */
  TRUNCATED_IMAGE,
  /** The image structure is invalid or the decoder failed or warned. */
  CORRUPT_IMAGE,
  /** Kiosk audio: sample rate other than 16 000, 22 050, 44 100 or 48 000 Hz. */
  UNSUPPORTED_SAMPLE_RATE,
  /** Kiosk audio: channel count other than 1 (mono) or 2 (downmixed by averaging). */
  UNSUPPORTED_CHANNELS,
  /** Kiosk audio: sample format code other than 1 (PCM signed 16-bit little-endian). */
  UNSUPPORTED_SAMPLE_FORMAT,
  /** Kiosk audio: PCM byte count not a multiple of 2 × channels (a torn sample frame). */
  PARTIAL_SAMPLE_FRAME,
  /** Kiosk audio: a valid header followed by no samples. */
  EMPTY_CHUNK,
  /** Kiosk audio: a NaN or infinite sample after resampling (the chunk is dropped). */
  NON_FINITE_AUDIO,
  /** Kiosk audio: the bounded analysis queue was full, the chunk was dropped (flood). */
  QUEUE_FULL
}
