package org.affectgate.models.kiosk;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.affectgate.device.ingest.ParseResult;
import org.affectgate.device.kiosk.camera.CameraFrame;
import org.affectgate.device.kiosk.camera.CameraLimits;
import org.affectgate.device.kiosk.camera.CameraPayloadParser;
import org.affectgate.device.kiosk.camera.DecodedImage;
import org.affectgate.device.kiosk.camera.FrameDecoder;
import org.affectgate.features.face.FaceAnalyzer;
import org.affectgate.features.face.FaceDetection;
import org.affectgate.features.face.FaceObservation;
import org.affectgate.features.face.FrameAnalysis;
import org.affectgate.features.face.OnnxExpressionClassifier;
import org.affectgate.features.face.VisionConfig;
import org.affectgate.features.face.VisionModels;
import org.affectgate.features.fusion.CommonEmotion;
import org.affectgate.features.fusion.EmotionMapping;
import org.affectgate.features.voice.EmotionClass;
import org.affectgate.features.voice.OnnxVoiceEmotionModel;
import org.affectgate.features.voice.VoiceEstimate;
import org.affectgate.features.voice.VoiceModelException;
import org.affectgate.models.Calibration;
import org.affectgate.models.ModelEntry;
import org.affectgate.models.ModelLoadException;
import org.affectgate.models.ModelRegistry;
import org.affectgate.models.ModelRuntimeConfig;
import org.affectgate.models.eval.FaceShippedEval;
import org.affectgate.models.voice.EmoDb;
import org.affectgate.models.voice.VoiceEmotion;
import org.affectgate.models.voice.VoiceEmotionEval;

/**
 * The development data the kiosk-loop evaluation scripts its sessions from, run once through the
 * shipped models on the agent's own paths: EmoDB clips through {@link EmoDb} (the agent's
 * resampler, segmenter and voice-v2 features) and {@link OnnxVoiceEmotionModel} (manifest model,
 * its calibration); faces-eval images through the kiosk camera parser, frame decoder and {@link
 * FaceAnalyzer} (YuNet, alignment, {@link OnnxExpressionClassifier} with the manifest's
 * calibration). Every detected face is kept with its box, so sessions can replay the frames through
 * {@code DominantFace}.
 */
final class KioskLoopData {
  /** One segment estimate: calibrated probabilities in {@link EmotionClass} order. */
  record Segment(float[] probabilities, double confidence) {}

  /**
   * One EmoDB clip.
   *
   * @param shipped segment estimates of the shipped model (EmoDB is its training data)
   * @param outOfFold segment estimates of the shipped recipe trained without this speaker, with the
   *     manifest's temperature applied
   */
  record Clip(
      String file,
      String speaker,
      EmotionClass label,
      List<Segment> shipped,
      List<Segment> outOfFold) {}

  /** One faces-eval image: its label and every face the camera path found. */
  record Image(String file, CommonEmotion label, List<FaceDetection> boxes, List<float[]> probs) {}

  final List<Clip> clips;
  final List<Image> images;
  final int undecodableImages;
  final String voiceRecipe;

  private KioskLoopData(
      List<Clip> clips, List<Image> images, int undecodableImages, String voiceRecipe) {
    this.clips = clips;
    this.images = images;
    this.undecodableImages = undecodableImages;
    this.voiceRecipe = voiceRecipe;
  }

  /**
   * @param voiceDir an EmoDB folder ({@code emodb-2s} or its {@code wav/})
   * @param faceDir a faces-eval layout folder
   */
  static KioskLoopData load(Path manifest, Path voiceDir, Path faceDir)
      throws IOException, ModelLoadException, VoiceModelException {
    Path wav = Files.isDirectory(voiceDir.resolve("wav")) ? voiceDir.resolve("wav") : voiceDir;
    List<EmoDb.Utterance> utterances = EmoDb.load(wav);
    ModelRuntimeConfig runtime = ModelRuntimeConfig.of(manifest);
    ModelRegistry registry = ModelRegistry.open(runtime);
    Calibration voiceCalibration =
        registry.manifest().find(VoiceEmotion.NAME).map(ModelEntry::calibration).orElse(null);
    VoiceEmotionEval.Choice choice = VoiceEmotionEval.select(utterances, VoiceEmotion.candidates());
    List<org.affectgate.models.calibration.Prediction> oof =
        VoiceEmotionEval.outOfFoldSegments(utterances, choice.fitter());
    // outOfFoldSegments walks speakers (sorted) then utterances then segments in order
    List<List<Segment>> oofByUtterance = new ArrayList<>();
    for (int i = 0; i < utterances.size(); i++) {
      oofByUtterance.add(new ArrayList<>());
    }
    int next = 0;
    for (String held : VoiceEmotionEval.speakersWithSpeech(utterances)) {
      for (int i = 0; i < utterances.size(); i++) {
        EmoDb.Utterance u = utterances.get(i);
        if (u.speaker().equals(held)) {
          for (int s = 0; s < u.segments().size(); s++) {
            float[] p = oof.get(next++).probabilities();
            float[] c = voiceCalibration == null ? p : voiceCalibration.apply(p);
            oofByUtterance.get(i).add(new Segment(c, max(c)));
          }
        }
      }
    }
    List<Clip> clips = new ArrayList<>();
    try (OnnxVoiceEmotionModel model = OnnxVoiceEmotionModel.load(registry)) {
      for (int i = 0; i < utterances.size(); i++) {
        EmoDb.Utterance u = utterances.get(i);
        List<Segment> shipped = new ArrayList<>();
        for (float[] v : u.segments()) {
          VoiceEstimate e = model.estimate(v);
          shipped.add(new Segment(e.probabilities(), e.confidence()));
        }
        clips.add(
            new Clip(
                u.file(),
                u.speaker(),
                u.label(),
                List.copyOf(shipped),
                List.copyOf(oofByUtterance.get(i))));
      }
    }
    List<Image> images = new ArrayList<>();
    List<FaceShippedEval.Sample> samples =
        FaceShippedEval.samples(faceDir, EmotionMapping.FACE_LABELS);
    CameraPayloadParser parser = new CameraPayloadParser(CameraLimits.defaults());
    FrameDecoder decoder = FrameDecoder.reusingPlanes();
    int undecodable = 0;
    long seq = 0;
    try (VisionModels models =
        VisionModels.load(
            runtime,
            VisionConfig.defaults().withExpressionModel(OnnxExpressionClassifier.MODEL_FP32))) {
      EmotionMapping.requireFaceLabels(models.analyzer().labels());
      FaceAnalyzer analyzer = models.analyzer();
      for (FaceShippedEval.Sample s : samples) {
        byte[] file = Files.readAllBytes(faceDir.resolve("images").resolve(s.image()));
        ParseResult<CameraFrame> frame =
            parser.parse("eval", "eval", CameraPayloadParser.encode(seq++, 0, file));
        if (!(frame instanceof ParseResult.Ok<CameraFrame> ok)
            || !(decoder.decode(ok.value()) instanceof ParseResult.Ok<DecodedImage> image)) {
          undecodable++;
          continue;
        }
        FrameAnalysis a = analyzer.analyze(image.value());
        List<FaceDetection> boxes = new ArrayList<>();
        List<float[]> probs = new ArrayList<>();
        for (FaceObservation o : a.faces()) {
          boxes.add(o.face());
          probs.add(o.probabilities().clone());
        }
        images.add(
            new Image(
                s.image(),
                EmotionMapping.commonOfFaceLabel(EmotionMapping.FACE_LABELS.get(s.label())),
                List.copyOf(boxes),
                List.copyOf(probs)));
      }
    } finally {
      decoder.releasePlanes();
    }
    return new KioskLoopData(List.copyOf(clips), List.copyOf(images), undecodable, choice.name());
  }

  /** Data already analysed (tests). */
  static KioskLoopData of(List<Clip> clips, List<Image> images) {
    return new KioskLoopData(List.copyOf(clips), List.copyOf(images), 0, "test");
  }

  /** Only the clips of {@code speakers} and the images of {@code persons}. */
  KioskLoopData restrictTo(java.util.Set<String> speakers, java.util.Set<String> persons) {
    return new KioskLoopData(
        clips.stream().filter(c -> speakers.contains(c.speaker())).toList(),
        images.stream().filter(i -> persons.contains(FaceShippedEval.person(i.file()))).toList(),
        undecodableImages,
        voiceRecipe);
  }

  static double max(float[] p) {
    double m = 0;
    for (float x : p) {
      m = Math.max(m, x);
    }
    return m;
  }
}
