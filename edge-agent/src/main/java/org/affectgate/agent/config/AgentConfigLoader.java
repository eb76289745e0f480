package org.affectgate.agent.config;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;
import org.affectgate.agent.aggregate.AggregationConfig;
import org.affectgate.agent.consent.ConsentConfig;
import org.affectgate.agent.consent.RetentionConfig;
import org.affectgate.agent.context.DeploymentConfig;
import org.affectgate.agent.context.DeploymentContext;
import org.affectgate.agent.egress.SubjectSyncConfig;
import org.affectgate.agent.escalation.EscalationConfig;
import org.affectgate.agent.respond.RespondConfig;
import org.affectgate.agent.stress.StressConfig;
import org.affectgate.agent.vision.CameraConfig;
import org.affectgate.agent.voice.VoiceConfig;
import org.affectgate.device.gpio.ButtonConfig;
import org.affectgate.device.gpio.PresenceConfig;
import org.affectgate.device.gpio.PulseConfig;
import org.affectgate.device.ingest.FutureTimestamps;
import org.affectgate.device.ingest.IngestConfig;
import org.affectgate.device.kiosk.audio.LocalCaptureConfig;
import org.affectgate.device.kiosk.camera.CameraLimits;
import org.affectgate.device.kiosk.camera.LocalCameraConfig;
import org.affectgate.device.mqtt.MqttConfig;
import org.affectgate.device.mqtt.MqttTlsConfig;
import org.affectgate.features.face.VisionConfig;
import org.affectgate.features.fusion.EpisodeConfig;
import org.affectgate.features.fusion.FusionConfig;
import org.affectgate.features.fusion.Reliability;
import org.affectgate.features.hrv.HrvConfig;
import org.affectgate.features.voice.SegmenterConfig;
import org.affectgate.models.ModelRuntimeConfig;
import org.affectgate.sync.export.ExportConfig;
import org.affectgate.sync.influx.DeleteMode;
import org.affectgate.sync.influx.InfluxConfig;
import org.affectgate.sync.loop.SyncConfig;
import org.affectgate.sync.outbox.OutboxConfig;
import org.affectgate.sync.outbox.Synchronous;

/**
 * Reads the agent's YAML configuration into an {@link AgentConfig}. Every key is optional except
 * {@code site}; defaults are documented in {@code deploy/agent.example.yaml}. Relative paths are
 * resolved against {@code dataDir}.
 *
 * <p>Errors are {@link ConfigException}s that name the key and the file, e.g. {@code
 * outbox.maxBytes must be > 0 (got -1) in /etc/affectgate/agent.yaml}; an unknown key is an error
 * too.
 */
public final class AgentConfigLoader {
  private static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory());

  /** Where packages install the models; relative paths resolve against {@code dataDir}. */
  public static final String DEFAULT_MODELS_MANIFEST = "/usr/share/affectgate/models/manifest.json";

  private AgentConfigLoader() {}

  /** Loads and validates {@code file}. */
  public static AgentConfig load(Path file) {
    JsonNode root;
    try {
      root = YAML.readTree(Files.readAllBytes(file));
    } catch (NoSuchFileException e) {
      throw new ConfigException("configuration file not found: " + file);
    } catch (JsonProcessingException e) {
      throw new ConfigException("not valid YAML in " + file + ": " + e.getOriginalMessage(), e);
    } catch (IOException e) {
      throw new ConfigException("cannot read configuration file " + file + ": " + e, e);
    }
    try {
      return fromTree(root);
    } catch (ConfigException | IllegalArgumentException | NullPointerException e) {
      throw new ConfigException(e.getMessage() + " in " + file, e);
    }
  }

  /**
   * Builds the configuration from a parsed tree (an empty tree gives the defaults, which need
   * {@code site}).
   *
   * @throws ConfigException or IllegalArgumentException naming the key
   */
  public static AgentConfig fromTree(JsonNode root) {
    ConfigReader r = new ConfigReader(root);
    String site = r.string("site", null);
    if (site == null) {
      throw new ConfigException("site must be set");
    }
    Path dataDir = r.path("dataDir", Path.of("/var/lib/affectgate"));

    MqttConfig mqtt =
        new MqttConfig(
            r.string("mqtt.uri", "tcp://127.0.0.1:1883"),
            r.string("mqtt.clientId", "affectgate-" + site),
            r.string("mqtt.topicPrefix", MqttConfig.DEFAULT_TOPIC_PREFIX),
            r.int32("mqtt.maxPayloadBytes", MqttConfig.DEFAULT_MAX_PAYLOAD_BYTES),
            r.bool("mqtt.cleanSession", false),
            dataDir.resolve(r.path("mqtt.persistenceDir", Path.of("mqtt"))),
            r.string("mqtt.username", null),
            r.string("mqtt.passwordFile", null),
            MqttConfig.Protocol.parse(r.string("mqtt.protocol", MqttConfig.Protocol.AUTO.key())),
            r.seconds(
                "mqtt.consentMaxAgeSeconds",
                Duration.ofSeconds(MqttConfig.DEFAULT_CONSENT_MAX_AGE_SECONDS)),
            new MqttTlsConfig(
                r.path(MqttTlsConfig.CA_FILE, null),
                r.path(MqttTlsConfig.CERT_FILE, null),
                r.path(MqttTlsConfig.KEY_FILE, null)));

    HrvConfig hrv =
        new HrvConfig(
            r.seconds("hrv.windowSeconds", HrvConfig.DEFAULT_WINDOW),
            r.seconds("hrv.stepSeconds", HrvConfig.DEFAULT_STEP),
            r.number("hrv.rrMinMs", HrvConfig.DEFAULT_RR_MIN_MS),
            r.number("hrv.rrMaxMs", HrvConfig.DEFAULT_RR_MAX_MS),
            r.number("hrv.maxSuccessiveChange", HrvConfig.DEFAULT_MAX_SUCCESSIVE_CHANGE),
            r.int32("hrv.minCleanBeats", HrvConfig.DEFAULT_MIN_CLEAN_BEATS),
            r.seconds("hrv.latenessSeconds", HrvConfig.DEFAULT_LATENESS));

    AggregationConfig aggregation =
        new AggregationConfig(
            r.int32("aggregation.k", AggregationConfig.DEFAULT_K),
            r.string("aggregation.kOverrideReason", null));

    ConsentConfig consent =
        new ConsentConfig(
            dataDir.resolve(r.path("consent.file", Path.of(ConsentConfig.DEFAULT_FILE_NAME))),
            dataDir.resolve(
                r.path("consent.saltFile", Path.of(ConsentConfig.DEFAULT_SALT_FILE_NAME))),
            r.integer("consent.reserveBytes", ConsentConfig.DEFAULT_RESERVE_BYTES));

    OutboxConfig outbox =
        new OutboxConfig(
            dataDir.resolve(r.path("outbox.file", Path.of("outbox.db"))),
            r.integer("outbox.maxBytes", OutboxConfig.DEFAULT_MAX_BYTES),
            Duration.ofHours(
                r.integer("outbox.maxAgeHours", OutboxConfig.DEFAULT_MAX_AGE.toHours())),
            r.enumValue("outbox.synchronous", Synchronous.class, Synchronous.FULL),
            Duration.ofHours(
                r.integer(
                    "outbox.syncedKeyRetentionHours",
                    OutboxConfig.DEFAULT_SYNCED_KEY_RETENTION.toHours())),
            r.integer("outbox.minFreeBytes", OutboxConfig.DEFAULT_MIN_FREE_BYTES));
    if (consent.reserveBytes() > 0 && outbox.minFreeBytes() < 2 * consent.reserveBytes()) {
      throw new ConfigException(
          "outbox.minFreeBytes must be at least twice consent.reserveBytes (got "
              + outbox.minFreeBytes()
              + " and "
              + consent.reserveBytes()
              + "): the outbox must leave room for the consent ledger's reserve to be written"
              + " again after a full disk");
    }

    SyncConfig sync =
        new SyncConfig(
            r.int32("sync.batchSize", SyncConfig.DEFAULT_BATCH_SIZE),
            r.millis("sync.intervalMs", SyncConfig.DEFAULT_INTERVAL),
            r.millis("sync.backoffInitialMs", SyncConfig.DEFAULT_BACKOFF_INITIAL),
            r.millis("sync.backoffMaxMs", SyncConfig.DEFAULT_BACKOFF_MAX));

    String url = r.string("sync.url", null);
    Optional<InfluxConfig> influx = Optional.empty();
    String org = r.string("sync.org", null);
    String bucket = r.string("sync.bucket", null);
    Path tokenFile = r.path("sync.tokenFile", null);
    Duration timeout = r.millis("sync.timeoutMs", InfluxConfig.DEFAULT_TIMEOUT);
    DeleteMode deleteMode = DeleteMode.parse(r.string("sync.deleteMode", "influx"));
    Path caFile = r.path("sync.caFile", null);
    if (url != null && !url.isBlank()) {
      influx =
          Optional.of(new InfluxConfig(url, org, bucket, tokenFile, timeout, deleteMode, caFile));
    }
    SubjectSyncConfig subjectSync = new SubjectSyncConfig(r.bool("sync.perSubject.enabled", false));
    StressConfig stress = new StressConfig(r.bool("hrv.stress.enabled", false));

    ExportConfig export =
        new ExportConfig(
            dataDir.resolve(r.path("export.dir", Path.of("export"))),
            r.integer("export.maxFileBytes", ExportConfig.DEFAULT_MAX_FILE_BYTES),
            r.int32("export.maxFiles", ExportConfig.DEFAULT_MAX_FILES));

    HttpConfig http =
        new HttpConfig(
            r.string("http.host", "127.0.0.1"),
            r.int32("http.port", HttpConfig.DEFAULT_PORT),
            r.bool("http.allowRemote", false),
            dataDir.resolve(r.path("http.tokenFile", Path.of(HttpConfig.DEFAULT_TOKEN_FILE))));

    DeploymentConfig deployment =
        new DeploymentConfig(
            r.enumValue("context", DeploymentContext.class, DeploymentContext.RETAIL),
            Optional.ofNullable(r.string("contextPurpose", null)));

    ModelRuntimeConfig models =
        new ModelRuntimeConfig(
            dataDir.resolve(r.path("models.manifest", Path.of(DEFAULT_MODELS_MANIFEST))),
            r.int32("models.intraOpThreads", ModelRuntimeConfig.DEFAULT_INTRA_OP_THREADS),
            r.int32("models.pollSeconds", ModelRuntimeConfig.DEFAULT_POLL_SECONDS));

    Optional<CameraConfig> camera = camera(r, site);

    Map<String, Duration> keep = new LinkedHashMap<>();
    for (Map.Entry<String, Duration> d : RetentionConfig.defaults().perPurpose().entrySet()) {
      keep.put(
          d.getKey(),
          Duration.ofDays(r.integer("retentionDays." + d.getKey(), d.getValue().toDays())));
    }
    RetentionConfig retention =
        new RetentionConfig(
            keep,
            Duration.ofMinutes(
                r.integer(
                    "retentionDays.checkEveryMinutes",
                    RetentionConfig.DEFAULT_INTERVAL.toMinutes())));

    long pulsePin = r.integer("gpio.pulse.pin", -1);
    GpioConfig gpio =
        new GpioConfig(
            pulsePin == -1
                ? OptionalInt.empty()
                : OptionalInt.of(
                    (int) Math.max(Integer.MIN_VALUE, Math.min(Integer.MAX_VALUE, pulsePin))),
            new PulseConfig(
                site,
                r.string("gpio.pulse.deviceId", GpioConfig.DEFAULT_PULSE_DEVICE),
                r.millis("gpio.pulse.refractoryMs", PulseConfig.DEFAULT_REFRACTORY),
                r.millis("gpio.pulse.maxIntervalMs", PulseConfig.DEFAULT_MAX_INTERVAL)),
            kioskGpio(r));

    VoiceConfig voice = voice(r, site);

    IngestConfig ingest =
        new IngestConfig(
            Duration.ofSeconds(
                r.integer(FutureTimestamps.KEY, FutureTimestamps.DEFAULT_MAX_FUTURE_SKEW_SECONDS)));

    EscalationConfig escalation = escalation(r, dataDir, gpio);
    RespondConfig respond = respond(r, dataDir);

    List<String> unknown = r.unknownKeys();
    if (!unknown.isEmpty()) {
      throw new ConfigException("unknown key " + String.join(", ", unknown));
    }
    return new AgentConfig(
        site,
        dataDir,
        mqtt,
        hrv,
        aggregation,
        consent,
        outbox,
        sync,
        influx,
        export,
        http,
        models,
        camera,
        deployment,
        retention,
        gpio,
        voice,
        subjectSync,
        stress,
        ingest,
        escalation,
        respond);
  }

  /** Reads every {@code escalation.*} key; the pager pin may not be a pin {@code gpio.*} claims. */
  private static EscalationConfig escalation(ConfigReader r, Path dataDir, GpioConfig gpio) {
    OptionalInt pagerPin = optionalPin(r, "escalation.pagerPin");
    EscalationConfig c =
        new EscalationConfig(
            r.bool("escalation.enabled", false),
            r.seconds(
                "escalation.cooldownSeconds",
                Duration.ofSeconds(EscalationConfig.DEFAULT_COOLDOWN_S)),
            r.seconds(
                "escalation.renotifySeconds",
                Duration.ofSeconds(EscalationConfig.DEFAULT_RENOTIFY_S)),
            r.seconds(
                "escalation.expireSeconds", Duration.ofSeconds(EscalationConfig.DEFAULT_EXPIRE_S)),
            r.int32("escalation.maxOpen", EscalationConfig.DEFAULT_MAX_OPEN),
            pagerPin,
            dataDir.resolve(
                r.path("escalation.auditFile", Path.of(EscalationConfig.DEFAULT_AUDIT_FILE))),
            Duration.ofDays(
                r.integer(
                    "escalation.auditRetentionDays",
                    EscalationConfig.DEFAULT_AUDIT_RETENTION_DAYS)));
    if (pagerPin.isPresent()) {
      gpio.pulsePin()
          .ifPresent(
              p -> {
                if (p == pagerPin.getAsInt()) {
                  throw new ConfigException(
                      "escalation.pagerPin " + p + " is already gpio.pulse.pin");
                }
              });
      gpio.kiosk()
          .ifPresent(
              k ->
                  k.pins()
                      .forEach(
                          (key, p) -> {
                            if (p == pagerPin.getAsInt()) {
                              throw new ConfigException(
                                  "escalation.pagerPin " + p + " is already " + key);
                            }
                          }));
    }
    return c;
  }

  /** Reads every {@code respond.*} key; token file paths resolve against {@code dataDir}. */
  private static RespondConfig respond(ConfigReader r, Path dataDir) {
    Map<String, Path> tokens = new LinkedHashMap<>();
    for (String kiosk : r.childNames("respond.kioskTokens")) {
      if (kiosk.contains(".")) {
        throw new ConfigException(
            "respond.kioskTokens: kiosk id " + kiosk + " must not contain '.' in this file");
      }
      Path file = r.path("respond.kioskTokens." + kiosk, null);
      if (file == null) {
        throw new ConfigException("respond.kioskTokens." + kiosk + " must name a token file");
      }
      tokens.put(kiosk, dataDir.resolve(file));
    }
    return new RespondConfig(
        r.bool("respond.enabled", false),
        RespondConfig.intervalForRate(
            r.number("respond.maxRateHz", RespondConfig.DEFAULT_MAX_RATE_HZ)),
        r.number("respond.minChange", RespondConfig.DEFAULT_MIN_CHANGE),
        r.int32("respond.maxSseClientsPerKiosk", RespondConfig.DEFAULT_MAX_SSE_CLIENTS),
        tokens,
        fusion(r),
        episode(r));
  }

  /** Reads every {@code fusion.*} key but {@code fusion.episode.*}. */
  private static FusionConfig fusion(ConfigReader r) {
    Reliability rel = FusionConfig.DEFAULT_RELIABILITY;
    return new FusionConfig(
        r.seconds("fusion.halfLifeSeconds", FusionConfig.DEFAULT_HALF_LIFE),
        r.seconds("fusion.maxEvidenceAgeSeconds", FusionConfig.DEFAULT_MAX_EVIDENCE_AGE),
        r.seconds("fusion.smoothingSeconds", FusionConfig.DEFAULT_SMOOTHING),
        r.seconds("fusion.trendWindowSeconds", FusionConfig.DEFAULT_TREND_WINDOW),
        r.number("fusion.singleModalityFactor", FusionConfig.DEFAULT_SINGLE_MODALITY_FACTOR),
        r.number("fusion.severalFacesAreaRatio", FusionConfig.DEFAULT_SEVERAL_FACES_AREA_RATIO),
        r.number("fusion.sameFaceIou", FusionConfig.DEFAULT_SAME_FACE_IOU),
        r.int32("fusion.stableFaceFrames", FusionConfig.DEFAULT_STABLE_FACE_FRAMES),
        new Reliability(
            r.number("fusion.reliability.faceValence", rel.faceValence()),
            r.number("fusion.reliability.faceArousal", rel.faceArousal()),
            r.number("fusion.reliability.voiceValence", rel.voiceValence()),
            r.number("fusion.reliability.voiceArousal", rel.voiceArousal())));
  }

  /** Reads every {@code fusion.episode.*} key. */
  private static EpisodeConfig episode(ConfigReader r) {
    return new EpisodeConfig(
        r.number("fusion.episode.valenceBelow", EpisodeConfig.DEFAULT_VALENCE_BELOW),
        r.number("fusion.episode.arousalAbove", EpisodeConfig.DEFAULT_AROUSAL_ABOVE),
        r.seconds("fusion.episode.sustainSeconds", EpisodeConfig.DEFAULT_SUSTAIN),
        r.number("fusion.episode.minConfidence", EpisodeConfig.DEFAULT_MIN_CONFIDENCE),
        r.seconds("fusion.episode.horizonSeconds", EpisodeConfig.DEFAULT_HORIZON),
        r.seconds("fusion.episode.releaseSeconds", EpisodeConfig.DEFAULT_RELEASE),
        r.number("fusion.episode.projectBelowValence", EpisodeConfig.DEFAULT_PROJECT_BELOW_VALENCE),
        r.seconds("fusion.episode.warnHoldSeconds", EpisodeConfig.DEFAULT_WARN_HOLD));
  }

  /** Reads every {@code gpio.kiosk.*}, {@code gpio.button.*} and {@code gpio.presence.*} key. */
  private static Optional<KioskGpioConfig> kioskGpio(ConfigReader r) {
    String kioskId = r.string("gpio.kiosk.kioskId", null);
    long button = r.integer("gpio.kiosk.buttonPin", -1);
    long presence = r.integer("gpio.kiosk.presencePin", -1);
    KioskGpioConfig.Notice notice =
        r.enumValue("gpio.kiosk.notice", KioskGpioConfig.Notice.class, KioskGpioConfig.Notice.LED);
    OptionalInt led = optionalPin(r, "gpio.kiosk.noticeLedPin");
    OptionalInt sense = optionalPin(r, "gpio.kiosk.noticeSensePin");
    List<String> grants = r.strings("gpio.kiosk.grants", KioskGpioConfig.DEFAULT_GRANTS);
    ButtonConfig buttonConfig =
        new ButtonConfig(
            r.millis("gpio.button.debounceMs", ButtonConfig.DEFAULT_DEBOUNCE),
            r.millis("gpio.button.longPressMs", ButtonConfig.DEFAULT_LONG_PRESS),
            r.bool("gpio.button.activeLow", true));
    PresenceConfig presenceConfig =
        new PresenceConfig(
            r.millis("gpio.presence.holdMs", PresenceConfig.DEFAULT_HOLD),
            r.bool("gpio.presence.activeLow", false));
    if (kioskId == null) {
      if (button != -1 || presence != -1 || led.isPresent() || sense.isPresent()) {
        throw new ConfigException(
            "gpio.kiosk.kioskId must be set when gpio.kiosk pins are (the kiosk they serve)");
      }
      return Optional.empty();
    }
    if (button == -1 || presence == -1) {
      throw new ConfigException(
          "gpio.kiosk.buttonPin and gpio.kiosk.presencePin must be set with gpio.kiosk.kioskId");
    }
    return Optional.of(
        new KioskGpioConfig(
            kioskId,
            clampInt(button),
            clampInt(presence),
            notice,
            led,
            sense,
            new java.util.LinkedHashSet<>(grants),
            buttonConfig,
            presenceConfig));
  }

  private static OptionalInt optionalPin(ConfigReader r, String key) {
    long pin = r.integer(key, -1);
    return pin == -1 ? OptionalInt.empty() : OptionalInt.of(clampInt(pin));
  }

  private static int clampInt(long v) {
    return (int) Math.max(Integer.MIN_VALUE, Math.min(Integer.MAX_VALUE, v));
  }

  private static VoiceConfig voice(ConfigReader r, String site) {
    SegmenterConfig d = SegmenterConfig.DEFAULTS;
    SegmenterConfig segmenter =
        new SegmenterConfig(
            r.int32("voice.hangoverMs", d.hangoverMs()),
            r.int32("voice.minSegmentMs", d.minSegmentMs()),
            r.int32("voice.maxSegmentMs", d.maxSegmentMs()),
            r.int32("voice.windowMs", d.windowMs()),
            r.int32("voice.windowStepMs", d.windowStepMs()));
    VoiceConfig.Source source =
        r.enumValue("voice.source", VoiceConfig.Source.class, VoiceConfig.Source.MQTT);
    String kioskId = r.string("voice.local.kioskId", null);
    int rate = r.int32("voice.local.sampleRate", 16_000);
    int chunkMs = r.int32("voice.local.chunkMs", 100);
    String mixer = r.string("voice.local.mixer", "");
    Optional<LocalCaptureConfig> local =
        kioskId == null
            ? Optional.empty()
            : Optional.of(new LocalCaptureConfig(site, kioskId, rate, chunkMs, mixer));
    return new VoiceConfig(
        r.bool("voice.enabled", false),
        r.bool("voice.requireConsent", true),
        source,
        r.int32("voice.queueChunks", VoiceConfig.DEFAULT_QUEUE_CHUNKS),
        segmenter,
        r.int32("voice.sessionGapSeconds", VoiceConfig.DEFAULT_SESSION_GAP_SECONDS),
        r.int32("voice.windowSeconds", VoiceConfig.DEFAULT_WINDOW_SECONDS),
        local);
  }

  /** Reads and validates every {@code camera.*} key, enabled or not. */
  private static Optional<CameraConfig> camera(ConfigReader r, String site) {
    boolean enabled = r.bool("camera.enabled", false);
    CameraConfig d = CameraConfig.defaults();
    VisionConfig v = d.vision();
    CameraConfig camera =
        new CameraConfig(
            r.int32("camera.maxPayloadBytes", d.maxPayloadBytes()),
            new CameraLimits(
                r.int32("camera.maxWidth", d.limits().maxWidth()),
                r.int32("camera.maxHeight", d.limits().maxHeight()),
                r.integer("camera.maxPixels", d.limits().maxPixels())),
            new VisionConfig(
                r.string("camera.expressionModel", v.expressionModel()),
                r.number("camera.scoreThreshold", v.scoreThreshold()),
                r.number("camera.nmsThreshold", v.nmsThreshold()),
                r.int32("camera.maxFacesPerFrame", v.maxFacesPerFrame()),
                r.number("camera.alignZoom", v.alignZoom()),
                r.number("camera.alignShiftY", v.alignShiftY())),
            r.int32("camera.workers", d.workers()),
            r.int32("camera.windowSeconds", d.windowSeconds()),
            r.int32("camera.k", d.k()),
            r.number("camera.iouThreshold", d.iouThreshold()),
            r.number("camera.smoothing", d.smoothing()),
            r.int32("camera.maxMissedFrames", d.maxMissedFrames()),
            r.int32("camera.minTrackFrames", d.minTrackFrames()),
            r.bool("camera.requireConsent", true),
            Optional.empty());
    List<String> command = r.strings("camera.local.command", List.of());
    LocalCameraConfig local =
        new LocalCameraConfig(
            command.isEmpty() ? List.of("unset") : command,
            r.string("camera.local.site", site),
            r.string("camera.local.kioskId", "local-camera"),
            r.int32("camera.local.maxFrameBytes", LocalCameraConfig.DEFAULT_MAX_FRAME_BYTES),
            r.millis("camera.local.restartBackoffMs", LocalCameraConfig.DEFAULT_RESTART_BACKOFF),
            r.millis(
                "camera.local.maxRestartBackoffMs", LocalCameraConfig.DEFAULT_MAX_RESTART_BACKOFF),
            r.millis("camera.local.stableUptimeMs", LocalCameraConfig.DEFAULT_STABLE_UPTIME),
            r.millis("camera.local.stallTimeoutMs", LocalCameraConfig.DEFAULT_STALL_TIMEOUT));
    if (!command.isEmpty()) {
      camera = camera.withLocal(local);
    }
    return enabled ? Optional.of(camera) : Optional.empty();
  }
}
