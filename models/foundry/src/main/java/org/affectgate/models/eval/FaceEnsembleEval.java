package org.affectgate.models.eval;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import org.affectgate.models.Calibration;
import org.affectgate.models.ModelLoadException;

/**
 * Measures a calibrated ensemble of two face-expression models through the agent's camera path:
 * each model's raw outputs come from {@link FaceShippedEval} (same parser, decoder, detector, and
 * each model's own aligner and classifier), paired by image (one detector, so both find the same
 * faces). The people (file name without {@code _NNNN}) are split by {@link SeededSplit} (seed
 * {@value SeededSplit#SEED}, as the shipped temperatures); on the first half each model's
 * temperature is fitted ({@link TemperatureFit#fitEce}), and on the other half the ensemble {@code
 * (calibrated a + calibrated b) / 2} (labels in the common order) is compared with each model
 * alone: accuracy, macro-F1, per-class recall, ECE. Whole-folder figures are printed beside them
 * (their temperatures saw half of it). Images without a detected face count wrong for every model.
 *
 * <p>Usage, from the repository root: {@code models/foundry/foundry.sh --main
 * org.affectgate.models.eval.FaceEnsembleEval [dataDir] [--manifest models/manifest.json] [--a
 * face-expression] [--b face-expression-faceapi]}. A foundry tool; images are read at run time
 * only.
 */
public final class FaceEnsembleEval {
  private FaceEnsembleEval() {}

  public static void main(String[] args) throws IOException, ModelLoadException {
    Path data = Path.of(FacesEval.DEFAULT_DATA);
    Path manifest = Path.of("models/manifest.json");
    String a = "face-expression";
    String b = "face-expression-faceapi";
    for (int i = 0; i < args.length; i++) {
      switch (args[i]) {
        case "--manifest" -> manifest = Path.of(args[++i]);
        case "--a" -> a = args[++i];
        case "--b" -> b = args[++i];
        default -> data = Path.of(args[i]);
      }
    }
    FaceShippedEval.Result ra = FaceShippedEval.run(manifest, a, data, true);
    FaceShippedEval.Result rb = FaceShippedEval.run(manifest, b, data, true);
    if (!ra.report().labels().equals(rb.report().labels())) {
      throw new DataFolderException(a + " and " + b + " have different labels");
    }
    System.out.print(report(ra, rb));
  }

  /** The comparison as printed. */
  static String report(FaceShippedEval.Result ra, FaceShippedEval.Result rb) {
    List<String> labels = ra.report().labels();
    Map<String, Integer> inB = new HashMap<>();
    for (int i = 0; i < rb.images().size(); i++) {
      inB.put(rb.images().get(i), i);
    }
    List<float[]> pa = new ArrayList<>();
    List<float[]> pb = new ArrayList<>();
    List<Integer> truth = new ArrayList<>();
    List<String> people = new ArrayList<>();
    for (int i = 0; i < ra.images().size(); i++) {
      Integer j = inB.get(ra.images().get(i));
      if (j != null) {
        pa.add(ra.rawProbabilities().get(i));
        pb.add(rb.rawProbabilities().get(j));
        truth.add(ra.truths()[i]);
        people.add(FaceShippedEval.person(ra.images().get(i)));
      }
    }
    SeededSplit split = SeededSplit.of(people, SeededSplit.SEED);
    Set<String> fitPeople = new HashSet<>(split.fit());
    List<Integer> fit = new ArrayList<>();
    List<Integer> rest = new ArrayList<>();
    for (int i = 0; i < people.size(); i++) {
      (fitPeople.contains(people.get(i)) ? fit : rest).add(i);
    }
    double ta = TemperatureFit.fitEce(pick(pa, fit), truths(truth, fit));
    double tb = TemperatureFit.fitEce(pick(pb, fit), truths(truth, fit));
    List<float[]> ca = scaled(pa, ta);
    List<float[]> cb = scaled(pb, tb);
    List<float[]> ens = new ArrayList<>();
    for (int i = 0; i < ca.size(); i++) {
      float[] e = new float[labels.size()];
      for (int k = 0; k < e.length; k++) {
        e[k] = (ca.get(i)[k] + cb.get(i)[k]) / 2;
      }
      ens.add(e);
    }
    double te = TemperatureFit.fitEce(pick(ens, fit), truths(truth, fit));
    List<float[]> ce = scaled(ens, te);
    // images the detector missed: the same for both models (one detector)
    long[] missed = new long[labels.size()];
    for (int c = 0; c < labels.size(); c++) {
      missed[c] = ra.report().missed(c);
    }
    StringBuilder out = new StringBuilder();
    out.append(
        String.format(
            Locale.ROOT,
            "%d images with a face found by both paths, %d without (count wrong); people split"
                + " java.util.Random(%d): fit %d people (%d faces), measure %d people (%d faces)%n",
            truth.size(),
            java.util.Arrays.stream(missed).sum(),
            SeededSplit.SEED,
            split.fit().size(),
            fit.size(),
            split.rest().size(),
            rest.size()));
    out.append(
        String.format(
            Locale.ROOT,
            "temperatures fitted on the fit half (lowest ECE): %s T = %.4f, %s T = %.4f;"
                + " ensemble of the two calibrated, then its own T = %.4f%n%n",
            ra.model(),
            ta,
            rb.model(),
            tb,
            te));
    out.append("model                         part     accuracy macro-F1  ECE    recall ");
    out.append(String.join("/", labels)).append('\n');
    String[] names = {ra.model(), rb.model(), "ensemble (mean of calibrated)"};
    List<List<float[]>> outputs = List.of(ca, cb, ce);
    List<Integer> all = new ArrayList<>();
    for (int i = 0; i < truth.size(); i++) {
      all.add(i);
    }
    for (int m = 0; m < 3; m++) {
      for (String part : List.of("measure", "all")) {
        List<Integer> idx = part.equals("all") ? all : rest;
        ClassificationReport r = new ClassificationReport(labels);
        for (int i : idx) {
          r.add(truth.get(i), Reliability.argmax(outputs.get(m).get(i)));
        }
        if (part.equals("all")) {
          for (int c = 0; c < labels.size(); c++) {
            for (long k = 0; k < missed[c]; k++) {
              r.addMissed(c);
            }
          }
        }
        Reliability rel = Reliability.ofTopClass(pick(outputs.get(m), idx), truths(truth, idx));
        StringBuilder recalls = new StringBuilder();
        for (int c = 0; c < labels.size(); c++) {
          recalls.append(c == 0 ? "" : " ").append(String.format(Locale.ROOT, "%.2f", r.recall(c)));
        }
        out.append(
            String.format(
                Locale.ROOT,
                "%-29s %-8s %.3f    %.3f     %.3f  %s%n",
                names[m],
                part,
                r.accuracy(),
                r.macroF1(),
                rel.ece(),
                recalls));
      }
    }
    out.append(
        "(measure = the held-out half of the people, faces found only; all = every image, a"
            + " missed face counted wrong, temperatures fitted on half of it)\n");
    return out.toString();
  }

  private static List<float[]> scaled(List<float[]> p, double t) {
    List<float[]> out = new ArrayList<>();
    for (float[] v : p) {
      out.add(Calibration.apply(v.clone(), t));
    }
    return out;
  }

  private static List<float[]> pick(List<float[]> p, List<Integer> idx) {
    List<float[]> out = new ArrayList<>();
    idx.forEach(i -> out.add(p.get(i)));
    return out;
  }

  private static int[] truths(List<Integer> truth, List<Integer> idx) {
    return idx.stream().mapToInt(truth::get).toArray();
  }
}
