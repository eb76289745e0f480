package org.affectgate.features.voice;

import java.util.ArrayList;
import java.util.List;

/**
 * Energy + voicing voice-activity detection over the frames of one continuous stretch: a frame is
 * speech when it is voiced ({@link Frame#voiced()}) and at least {@value #SNR_DB} dB above the
 * tracked noise floor (the running minimum level, rising {@value #FLOOR_RISE_DB_PER_S} dB/s). A
 * segment opens at a speech frame (with {@value #PRE_ROLL_FRAMES} frames of pre-roll), stays open
 * through pauses shorter than the hangover, ends {@code hangoverMs} after its last speech frame
 * (trimmed back to that frame) or when it reaches {@code maxSegmentMs}, and is kept only if it
 * lasts {@code minSegmentMs} and has {@link VoiceFeatures#MIN_VOICED_FRAMES} voiced frames. So
 * silence and noise never produce a segment.
 *
 * <p>Not thread-safe; one instance per stream.
 */
public final class UtteranceSegmenter {
  public static final double SNR_DB = 10;
  public static final double FLOOR_RISE_DB_PER_S = 5;
  static final int PRE_ROLL_FRAMES = 5;

  private final int hangoverFrames;
  private final int minFrames;
  private final int maxFrames;
  private final List<Frame> preRoll = new ArrayList<>();
  private List<Frame> open;
  private int lastSpeech = -1;
  private double noiseFloorDb = Double.NaN;
  private long discarded;

  public UtteranceSegmenter(SegmenterConfig config) {
    this.hangoverFrames = config.frames(config.hangoverMs());
    this.minFrames = config.frames(config.minSegmentMs());
    this.maxFrames = config.frames(config.maxSegmentMs());
  }

  /**
   * @return frames of every segment closed by this frame (usually none)
   */
  public List<List<Frame>> push(Frame f) {
    noiseFloorDb =
        Double.isNaN(noiseFloorDb)
            ? f.levelDb()
            : Math.min(
                f.levelDb(), noiseFloorDb + FLOOR_RISE_DB_PER_S * AnalysisFormat.HOP_SECONDS);
    boolean speech = f.voiced() && f.levelDb() >= noiseFloorDb + SNR_DB;
    List<List<Frame>> closed = new ArrayList<>(1);
    if (open == null) {
      if (speech) {
        open = new ArrayList<>(preRoll);
        open.add(f);
        lastSpeech = open.size() - 1;
        preRoll.clear();
      } else {
        preRoll.add(f);
        if (preRoll.size() > PRE_ROLL_FRAMES) {
          preRoll.remove(0);
        }
      }
      return closed;
    }
    open.add(f);
    if (speech) {
      lastSpeech = open.size() - 1;
    }
    if (open.size() - 1 - lastSpeech >= hangoverFrames) {
      close(open.subList(0, lastSpeech + 1), closed);
    } else if (open.size() >= maxFrames) {
      close(open, closed);
    }
    return closed;
  }

  /** Closes the open segment at a discontinuity or shutdown; returns it if it qualifies. */
  public List<List<Frame>> flush() {
    List<List<Frame>> closed = new ArrayList<>(1);
    if (open != null) {
      close(open.subList(0, lastSpeech + 1), closed);
    }
    preRoll.clear();
    noiseFloorDb = Double.NaN;
    return closed;
  }

  /** Segments dropped for being shorter than the minimum or having too few voiced frames. */
  public long discarded() {
    return discarded;
  }

  private void close(List<Frame> frames, List<List<Frame>> out) {
    List<Frame> copy = List.copyOf(frames);
    open = null;
    lastSpeech = -1;
    long voiced = copy.stream().filter(Frame::voiced).count();
    if (copy.size() >= minFrames && voiced >= VoiceFeatures.MIN_VOICED_FRAMES) {
      out.add(copy);
    } else {
      discarded++;
    }
  }
}
