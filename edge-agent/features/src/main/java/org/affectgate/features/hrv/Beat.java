package org.affectgate.features.hrv;

/**
 * One heartbeat as placed on the time axis.
 *
 * @param endMs when the interval ended (the R peak closing it), epoch ms
 * @param rrMs interval length as reported, ms
 * @param accepted whether the artifact filter accepted it
 */
record Beat(long endMs, double rrMs, boolean accepted) {

  long startMs() {
    return endMs - Math.round(rrMs);
  }
}
