package org.affectgate.features.fusion;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.affectgate.features.face.FaceDetection;
import org.junit.jupiter.api.Test;

class DominantFaceTest {
  private final DominantFace chooser = new DominantFace(FusionConfig.defaults());

  private static FaceDetection box(float x, float y, float size) {
    return new FaceDetection(x, y, size, size, 0.9f, new float[10]);
  }

  @Test
  void noFace_noFaceFlag() {
    FaceChoice c = chooser.choose(List.of());
    assertThat(c.kind()).isEqualTo(FaceChoice.Kind.NO_FACE);
    assertThat(c.flag()).isEqualTo(QualityFlag.NO_FACE);
    assertThat(c.index()).isEqualTo(-1);
  }

  @Test
  void oneFace_dominantAfterStableFrames() {
    List<FaceDetection> frame = List.of(box(100, 100, 80));
    assertThat(chooser.choose(frame).kind()).isEqualTo(FaceChoice.Kind.SETTLING);
    assertThat(chooser.choose(frame).kind()).isEqualTo(FaceChoice.Kind.SETTLING);
    FaceChoice c = chooser.choose(frame);
    assertThat(c).isEqualTo(new FaceChoice(FaceChoice.Kind.DOMINANT, 0));
    assertThat(c.flag()).isNull();
  }

  @Test
  void smallBystander_largestChosenByAreaWhateverTheOrder() {
    List<FaceDetection> frame = List.of(box(10, 10, 40), box(100, 100, 80));
    chooser.choose(frame);
    chooser.choose(frame);
    assertThat(chooser.choose(frame)).isEqualTo(new FaceChoice(FaceChoice.Kind.DOMINANT, 1));
  }

  @Test
  void secondFaceAtHalfTheArea_severalFaces() {
    // 80² · 0.5 = 3200 = area of a 56.57 px box
    FaceChoice c = chooser.choose(List.of(box(100, 100, 80), box(300, 100, 56.6f)));
    assertThat(c.kind()).isEqualTo(FaceChoice.Kind.SEVERAL_FACES);
    assertThat(c.flag()).isEqualTo(QualityFlag.SEVERAL_FACES);
  }

  @Test
  void secondFaceJustBelowTheRatio_notSeveral() {
    List<FaceDetection> frame = List.of(box(100, 100, 80), box(300, 100, 56.5f));
    chooser.choose(frame);
    chooser.choose(frame);
    assertThat(chooser.choose(frame).kind()).isEqualTo(FaceChoice.Kind.DOMINANT);
  }

  @Test
  void largestFaceJumpsElsewhere_settlesAgain() {
    List<FaceDetection> here = List.of(box(100, 100, 80));
    chooser.choose(here);
    chooser.choose(here);
    assertThat(chooser.choose(here).kind()).isEqualTo(FaceChoice.Kind.DOMINANT);
    assertThat(chooser.choose(List.of(box(400, 100, 80))).kind())
        .isEqualTo(FaceChoice.Kind.SETTLING);
  }

  @Test
  void smallMovement_staysDominant() {
    chooser.choose(List.of(box(100, 100, 80)));
    chooser.choose(List.of(box(104, 100, 80)));
    chooser.choose(List.of(box(108, 102, 80)));
    assertThat(chooser.choose(List.of(box(112, 104, 80))).kind())
        .isEqualTo(FaceChoice.Kind.DOMINANT);
  }

  @Test
  void severalFacesOrNoFace_endTheTrack() {
    List<FaceDetection> one = List.of(box(100, 100, 80));
    chooser.choose(one);
    chooser.choose(one);
    chooser.choose(one);
    chooser.choose(List.of(box(100, 100, 80), box(300, 100, 80)));
    assertThat(chooser.choose(one).kind()).isEqualTo(FaceChoice.Kind.SETTLING);
    chooser.choose(one);
    chooser.choose(one);
    chooser.choose(List.of());
    assertThat(chooser.choose(one).kind()).isEqualTo(FaceChoice.Kind.SETTLING);
  }
}
