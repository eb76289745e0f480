package org.affectgate.agent.respond;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;
import org.affectgate.features.fusion.EpisodeConfig;
import org.affectgate.features.fusion.FusionConfig;

/**
 * The response path ({@code respond.*}): a kiosk visitor's fused state sent back to that kiosk over
 * MQTT and Server-Sent Events, for sessions that hold {@code kiosk-adapt}. Off by default.
 *
 * @param enabled {@code respond.enabled}; needs a context that allows face or voice emotion
 *     inference (checked by {@code AgentConfig})
 * @param minInterval shortest time between two state messages of one kiosk, from {@code
 *     respond.maxRateHz} (default 2, 0.1..10)
 * @param minChange smallest change of valence, arousal or confidence that makes a new state message
 *     ({@code respond.minChange}, default 0.05, 0..1); a change of flags, modalities or signal
 *     always does
 * @param maxSseClientsPerKiosk open SSE streams per kiosk ({@code respond.maxSseClientsPerKiosk},
 *     default 4, 1..64); one more is refused and counted
 * @param kioskTokens per kiosk id, the file holding the bearer token its screen presents on {@code
 *     GET /kiosk/{kioskId}/state} ({@code respond.kioskTokens.<kioskId>}); read and checked at
 *     start-up by {@link KioskTokens#load}. A kiosk without a token has no SSE stream (MQTT only)
 * @param fusion late fusion, smoothing and trend ({@code fusion.*}; defaults and their reasons in
 *     {@link FusionConfig})
 * @param episode the frustration-episode rule and its early warning ({@code fusion.episode.*};
 *     defaults and their reasons in {@link EpisodeConfig})
 */
public record RespondConfig(
    boolean enabled,
    Duration minInterval,
    double minChange,
    int maxSseClientsPerKiosk,
    Map<String, Path> kioskTokens,
    FusionConfig fusion,
    EpisodeConfig episode) {
  public static final double DEFAULT_MAX_RATE_HZ = 2.0;
  public static final double DEFAULT_MIN_CHANGE = 0.05;
  public static final int DEFAULT_MAX_SSE_CLIENTS = 4;
  private static final String ID = "[A-Za-z0-9_.-]{1,64}";

  public RespondConfig {
    Objects.requireNonNull(minInterval, "respond.maxRateHz");
    Objects.requireNonNull(kioskTokens, "respond.kioskTokens");
    Objects.requireNonNull(fusion, "fusion");
    Objects.requireNonNull(episode, "fusion.episode");
    if (!(minChange >= 0 && minChange <= 1)) {
      throw new IllegalArgumentException("respond.minChange must be 0..1 (got " + minChange + ")");
    }
    if (maxSseClientsPerKiosk < 1 || maxSseClientsPerKiosk > 64) {
      throw new IllegalArgumentException(
          "respond.maxSseClientsPerKiosk must be 1..64 (got " + maxSseClientsPerKiosk + ")");
    }
    kioskTokens.forEach(
        (kiosk, file) -> {
          if (!kiosk.matches(ID)) {
            throw new IllegalArgumentException(
                "respond.kioskTokens." + kiosk + ": the kiosk id must match " + ID);
          }
          Objects.requireNonNull(file, "respond.kioskTokens." + kiosk);
        });
    kioskTokens = Map.copyOf(new TreeMap<>(kioskTokens));
  }

  /** These settings with the default fusion and episode rule. */
  public RespondConfig(
      boolean enabled,
      Duration minInterval,
      double minChange,
      int maxSseClientsPerKiosk,
      Map<String, Path> kioskTokens) {
    this(
        enabled,
        minInterval,
        minChange,
        maxSseClientsPerKiosk,
        kioskTokens,
        FusionConfig.defaults(),
        EpisodeConfig.defaults());
  }

  /**
   * @throws IllegalArgumentException naming {@code respond.maxRateHz} unless 0.1..10
   */
  public static Duration intervalForRate(double maxRateHz) {
    if (!(maxRateHz >= 0.1 && maxRateHz <= 10)) {
      throw new IllegalArgumentException(
          "respond.maxRateHz must be 0.1..10 (got " + maxRateHz + ")");
    }
    return Duration.ofMillis(Math.round(1000 / maxRateHz));
  }

  public static RespondConfig disabled() {
    return new RespondConfig(
        false,
        intervalForRate(DEFAULT_MAX_RATE_HZ),
        DEFAULT_MIN_CHANGE,
        DEFAULT_MAX_SSE_CLIENTS,
        Map.of());
  }
}
