package org.affectgate.features.voice;

/**
 * Low-level descriptors of one analysis frame ({@link AnalysisFormat}).
 *
 * @param index frame number since the start of the continuous stretch
 * @param timeSeconds centre of the frame, seconds since the start of the stretch
 * @param levelDb Hann-weighted RMS level, dB re full scale (dBFS; a full-scale sine is -3 dB),
 *     floored at {@value FrameAnalyzer#FLOOR_DB}
 * @param f0Hz fundamental frequency by YIN, Hz; {@code NaN} when the frame is not voiced
 * @param voiced the frame is periodic with F0 in 75..600 Hz and loud enough (see {@link
 *     FrameAnalyzer}: YIN at two thresholds with hysteresis, level floors absolute and relative to
 *     the running peak)
 * @param mfcc cepstral coefficients 1..13 (TarsosDSP MFCC: Hamming window, 40 mel bands 133..6855
 *     Hz, natural log, DCT); owned by this frame
 * @param centroidHz spectral centroid of the magnitude spectrum, Hz
 * @param rolloffHz frequency below which 85 % of the spectral power lies, Hz
 * @param flux spectral flux: L2 norm of the positive change of the L1-normalised magnitude spectrum
 *     from the previous frame (0 for the first frame of a stretch)
 * @param zcr zero crossings per sample, 0..1
 */
public record Frame(
    long index,
    double timeSeconds,
    double levelDb,
    double f0Hz,
    boolean voiced,
    float[] mfcc,
    double centroidHz,
    double rolloffHz,
    double flux,
    double zcr) {}
