package org.affectgate.models.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.affectgate.models.testing.SharedInputs;
import org.affectgate.models.testing.SmallFolders;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code eval} on small and broken folders (issue 15 §1): the cross-validated commands that crashed
 * on two speakers and on five participants with a constant input, and {@code eval --shipped} on one
 * speaker, one participant, three images, and on empty, missing and mislabelled folders. Folders
 * are built at test time from a few files of {@code ../shared/datasets}.
 */
class SmallFolderEvalTest {
  @TempDir Path dir;

  record Run(int code, String out, String err) {
    /** The error output is one line, with no stack trace. */
    void failedWithOneLine(String... fragments) {
      assertThat(code).as("exit code; stderr: %s", err).isEqualTo(2);
      assertThat(err.strip()).as("stderr").doesNotContain("\n").doesNotContain("Exception");
      assertThat(err).contains(fragments);
    }
  }

  private static Run eval(String... args) {
    PrintStream out = System.out;
    PrintStream err = System.err;
    ByteArrayOutputStream o = new ByteArrayOutputStream();
    ByteArrayOutputStream e = new ByteArrayOutputStream();
    System.setOut(new PrintStream(o, true));
    System.setErr(new PrintStream(e, true));
    int code;
    try {
      List<String> all = new ArrayList<>(List.of("eval"));
      all.addAll(List.of(args));
      all.addAll(List.of("--models", SharedInputs.shippedModels().toString()));
      code = ModelsCli.execute(all.toArray(String[]::new));
    } finally {
      System.setOut(out);
      System.setErr(err);
    }
    return new Run(code, o.toString(), e.toString());
  }

  // --- the reported crashes of the cross-validated commands ---

  @Test
  void evalVoiceEmotion_twoSpeakers_saysTooFewSpeakers_insteadOfIndexOutOfBounds()
      throws Exception {
    Path data = SmallFolders.emodb(dir.resolve("wav"), 4, "03", "08");
    eval("voice-emotion", "--data", data.toString())
        .failedWithOneLine("at least 3 speakers", "2 (03, 08)", "--shipped");
  }

  @Test
  void evalVoiceEmotion_threeSpeakers_runsTheNestedEvaluation() throws Exception {
    Path data = SmallFolders.emodb(dir.resolve("wav"), 8, "03", "08", "09");
    Run r = eval("voice-emotion", "--data", data.toString());
    assertThat(r.code()).as(r.err()).isZero();
    assertThat(r.out()).contains("3 speakers, 24 utterances", "| 03 |", "| 08 |", "| 09 |");
  }

  @Test
  void evalHrvStress_fiveParticipantsWithConstantPnn50_evaluatesInsteadOfFeatureConstantError()
      throws Exception {
    Path data = SmallFolders.stressPredict(dir.resolve("sp"), 2, 3, 4, 5, 6);
    for (String p : List.of("S02", "S03", "S04", "S05", "S06")) {
      SmallFolders.flattenSuccessiveDifferences(data.resolve("raw").resolve(p).resolve("IBI.csv"));
    }
    Run r = eval("hrv-stress", "--data", data.toString());
    assertThat(r.code()).as(r.err()).isZero();
    assertThat(r.err()).doesNotContain("is constant");
    assertThat(r.out())
        .contains("(5 participants", "| S02 |", "| S06 |", "| mean of participants |")
        .contains("worst quartile by balanced accuracy: mean", "(1 of 5:")
        .contains("pnn50Pct is constant");
  }

  @Test
  void evalHrvStress_twoParticipants_saysTooFewParticipants() throws Exception {
    Path data = SmallFolders.stressPredict(dir.resolve("sp"), 2, 3);
    eval("hrv-stress", "--data", data.toString())
        .failedWithOneLine("at least 3 participants", "--shipped");
  }

  // --- the shipped models on small folders ---

  @Test
  void shippedVoice_oneSpeaker_printsTablesPerSpeakerAndCalibration() throws Exception {
    Path data = SmallFolders.emodb(dir.resolve("wav"), 6, "10");
    Run r = eval("voice-emotion", "--shipped", "--data", data.toString());
    assertThat(r.code()).as(r.err()).isZero();
    assertThat(r.out())
        .contains("1 speakers, 6 utterances")
        .contains("UAR", "macro-F1", "confusion (rows true, columns predicted)")
        .contains("| 10 | 6 |")
        .contains("ECE (10 bins)");
  }

  @Test
  void shippedStress_oneParticipant_printsTablesPerParticipantAucAndCalibration() throws Exception {
    Path data = SmallFolders.stressPredict(dir.resolve("sp"), 2);
    Run r = eval("hrv-stress", "--shipped", "--data", data.toString());
    assertThat(r.code()).as(r.err()).isZero();
    assertThat(r.out())
        .contains("1 participants")
        .contains("| S02 |", "ROC AUC", "confusion (rows true, columns predicted)")
        .contains("worst quartile by ROC AUC:")
        .contains("ECE (10 bins)");
  }

  @Test
  void shippedFaces_threeImages_printsTablesForFp32AndInt8() throws Exception {
    Path data = SmallFolders.faces(dir.resolve("faces"), 3);
    for (String model : List.of("face-expression", "face-expression-int8")) {
      Run r = eval(model, "--shipped", "--data", data.toString());
      assertThat(r.code()).as(r.err()).isZero();
      assertThat(r.out())
          .contains(model + " (shipped", "3 images")
          .contains("macro-F1", "confusion (rows true, columns predicted)")
          .contains("ECE (10 bins)");
    }
  }

  @Test
  void shipped_emptyFolder_failsWithOneLineForEveryModel() throws Exception {
    Path empty = Files.createDirectories(dir.resolve("empty"));
    eval("voice-emotion", "--shipped", "--data", empty.toString())
        .failedWithOneLine("no .wav files", empty.toString());
    eval("hrv-stress", "--shipped", "--data", empty.toString())
        .failedWithOneLine("hr_rsp_binary.csv");
    eval("face-expression", "--shipped", "--data", empty.toString())
        .failedWithOneLine("labels.csv");
  }

  @Test
  void shipped_missingFolder_failsWithOneLine() {
    String missing = dir.resolve("no-such-dir").toString();
    for (String model : List.of("voice-emotion", "hrv-stress", "face-expression")) {
      eval(model, "--shipped", "--data", missing).failedWithOneLine("no-such-dir");
    }
  }

  @Test
  void crossValidatedAndCropEval_missingFolder_failWithOneLine() {
    String missing = dir.resolve("no-such-dir").toString();
    for (String model : List.of("voice-emotion", "hrv-stress", "face-expression")) {
      eval(model, "--data", missing).failedWithOneLine("no-such-dir");
    }
  }

  @Test
  void shippedVoice_fileNameWithoutEmotionLetter_failsWithOneLineNamingIt() throws Exception {
    Path data = SmallFolders.emodb(dir.resolve("wav"), 2, "03");
    Files.copy(data.resolve("03a01Fa.wav"), data.resolve("03a01Xa.wav"));
    eval("voice-emotion", "--shipped", "--data", data.toString())
        .failedWithOneLine("03a01Xa.wav", "'X'");
  }

  @Test
  void shippedFaces_labelOutsideTheClasses_failsWithOneLineNamingTheRow() throws Exception {
    Path data = SmallFolders.faces(dir.resolve("faces"), 3);
    List<String> lines = new ArrayList<>(Files.readAllLines(data.resolve("labels.csv")));
    lines.set(2, lines.get(2).split(",")[0] + ",contempt");
    Files.write(data.resolve("labels.csv"), lines);
    eval("face-expression", "--shipped", "--data", data.toString())
        .failedWithOneLine("labels.csv line 3", "contempt");
  }

  @Test
  void shippedFaces_rowNamingAMissingImage_failsWithOneLine() throws Exception {
    Path data = SmallFolders.faces(dir.resolve("faces"), 3);
    Files.writeString(
        data.resolve("labels.csv"), "nobody.jpg,happy\n", java.nio.file.StandardOpenOption.APPEND);
    eval("face-expression", "--shipped", "--data", data.toString())
        .failedWithOneLine("labels.csv line 5", "nobody.jpg");
  }

  @Test
  void shippedStress_participantWithoutRawFolder_failsWithOneLine() throws Exception {
    Path data = SmallFolders.stressPredict(dir.resolve("sp"), 2);
    Files.writeString(
        data.resolve("hr_rsp_binary.csv"),
        "7,80,12.0,1644227583,0\n",
        java.nio.file.StandardOpenOption.APPEND);
    eval("hrv-stress", "--shipped", "--data", data.toString()).failedWithOneLine("S07", "raw");
  }
}
