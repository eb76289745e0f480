package org.affectgate.agent.startup;

import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.AccessDeniedException;
import java.nio.file.FileSystemException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.time.InstantSource;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.affectgate.agent.admin.AdminToken;
import org.affectgate.agent.aggregate.AggregationConfig;
import org.affectgate.agent.config.AgentConfig;
import org.affectgate.agent.consent.ConsentStoreException;
import org.affectgate.agent.consent.SubjectPseudonyms;
import org.affectgate.agent.vision.CameraConfig;
import org.affectgate.features.face.VisionModels;
import org.affectgate.features.stress.OnnxStressModel;
import org.affectgate.features.voice.OnnxVoiceEmotionModel;
import org.affectgate.models.ModelLoadException;
import org.affectgate.models.ModelRegistry;
import org.affectgate.sync.influx.InfluxSink;

/**
 * Every check the agent makes at start-up that needs no network, in one place, so that {@code
 * check-config} and {@code run} can never disagree: {@code check-config} calls {@link #verifyAll};
 * {@code run} calls {@link #verifyBeforeWiring} and then {@code Agent.start}, which loads the
 * models through {@link #loadStress}, {@link #loadVoice} and {@link #loadVision} (so a model is
 * read and verified once per start, and {@code check-config} verifies it by exactly that code).
 *
 * <p>Checks, in the order {@code run} meets them: the data directory ({@code dataDir}) exists or
 * can be created and is writable; {@code consent.file} and {@code outbox.file} are writable files
 * that are empty or SQLite databases (header check only: nothing is opened, migrated or created);
 * {@code consent.saltFile} holds a salt when present; the sink ({@code sync.tokenFile} read as the
 * sink reads it, or {@code export.dir} writable); {@code mqtt.persistenceDir} writable and {@code
 * mqtt.passwordFile} readable and private to its owner, the {@code mqtt.tls.*} files usable ({@link
 * MqttSecurityChecks}); {@code http.tokenFile} a valid token when present, else creatable; {@code
 * http.port} free on {@code http.host}; then the enabled models (hrv-stress, voice-emotion, vision)
 * verified through the manifest (size, SHA-256, ONNX Runtime session, I/O and ids).
 *
 * <p>Side effects: a writability probe creates and deletes one hidden temporary file in the nearest
 * existing directory of each path; models are loaded into ONNX Runtime and closed; the HTTP port is
 * bound and released at once. Nothing else is written. Network: for an {@code ssl://} {@code
 * mqtt.uri}, one TLS handshake with the broker (a certificate refused is an error; a broker that
 * cannot be reached is not). Not checked here: reaching the broker and the time-series server
 * (retried in the background at run time) and GPIO lines (hardware).
 *
 * <p>Every failure is a {@link StartupException} whose message is one line naming the key and the
 * file or port. Call from the start-up thread (blocking file I/O), never an event loop.
 */
public final class StartupChecks {
  private static final byte[] SQLITE_MAGIC =
      "SQLite format 3\0".getBytes(StandardCharsets.US_ASCII);

  private StartupChecks() {}

  /** Everything {@code run} checks before it serves, models included ({@code check-config}). */
  public static void verifyAll(AgentConfig c) {
    verifyBeforeWiring(c);
    verifyModels(c);
  }

  /** The file and port checks {@code run} makes before it builds any stage. */
  public static void verifyBeforeWiring(AgentConfig c) {
    verifyFiles(c);
    verifyHttpPort(c);
    MqttSecurityChecks.probeBroker(c.mqtt(), Instant.now());
  }

  /**
   * Lines an operator must see at every start (check-config prints them, run logs them at WARN): a
   * k below 5 by override.
   */
  public static List<String> warnings(AgentConfig c) {
    List<String> lines = new ArrayList<>();
    AggregationConfig a = c.aggregation();
    if (a.overridden()) {
      lines.add(
          "aggregation.k is "
              + a.k()
              + ", BELOW "
              + AggregationConfig.MIN_K
              + ", by aggregation.kOverrideReason: "
              + a.kOverrideReason());
    }
    return lines;
  }

  static void verifyFiles(AgentConfig c) {
    directory("dataDir", c.dataDir());
    sqliteFile("consent.file", c.consent().file());
    Path salt = c.consent().saltFile();
    if (Files.exists(salt)) {
      try {
        SubjectPseudonyms.open(salt);
      } catch (ConsentStoreException e) {
        throw new StartupException(withCause(e), e);
      }
    } else {
      creatable("consent.saltFile", salt);
    }
    sqliteFile("outbox.file", c.outbox().file());
    if (c.influx().isPresent()) {
      try {
        InfluxSink.create(c.influx().get(), InstantSource.system()).close();
      } catch (IllegalArgumentException e) {
        throw new StartupException(e.getMessage(), e);
      }
    } else {
      directory("export.dir", c.export().directory());
    }
    if (c.mqtt().persistenceDir() != null) {
      directory("mqtt.persistenceDir", c.mqtt().persistenceDir());
    }
    MqttSecurityChecks.verifyFiles(c.mqtt(), Instant.now());
    Path token = c.http().tokenFile();
    if (Files.exists(token)) {
      if (!Files.isRegularFile(token)) {
        throw new StartupException("http.tokenFile " + token + " is not a regular file");
      }
      try {
        AdminToken.loadOrCreate(token);
      } catch (IllegalArgumentException e) {
        throw new StartupException(e.getMessage(), e);
      }
    } else {
      creatable("http.tokenFile", token);
    }
  }

  static void verifyHttpPort(AgentConfig c) {
    String host = c.http().host();
    int port = c.http().port();
    if (port == 0) {
      return;
    }
    try (ServerSocket socket = new ServerSocket()) {
      socket.setReuseAddress(true);
      socket.bind(new InetSocketAddress(InetAddress.getByName(host), port));
    } catch (IOException e) {
      throw new StartupException(
          "http.port " + port + " on http.host " + host + " is not free: " + e.getMessage(), e);
    }
  }

  static void verifyModels(AgentConfig c) {
    if (c.stress().enabled()) {
      closeQuietly(loadStress(c));
    }
    if (c.voice().enabled()) {
      closeQuietly(loadVoice(c));
    }
    if (c.camera().isPresent()) {
      closeQuietly(loadVision(c, c.camera().get()));
    }
  }

  /**
   * Verifies and loads the {@code hrv-stress} model ({@code hrv.stress.enabled}).
   *
   * @return the open model; the caller closes it
   * @throws StartupException naming {@code models.manifest} and what is wrong with the model
   */
  public static OnnxStressModel loadStress(AgentConfig c) {
    try {
      return OnnxStressModel.load(ModelRegistry.open(c.models()));
    } catch (ModelLoadException e) {
      throw modelRefused(
          "hrv.stress.enabled is true but the hrv-stress model cannot be used", c, e);
    }
  }

  /**
   * Verifies and loads the {@code voice-emotion} model ({@code voice.enabled}).
   *
   * @return the open model; the caller closes it
   * @throws StartupException naming {@code models.manifest} and what is wrong with the model
   */
  public static OnnxVoiceEmotionModel loadVoice(AgentConfig c) {
    try {
      return OnnxVoiceEmotionModel.load(ModelRegistry.open(c.models()));
    } catch (ModelLoadException e) {
      throw modelRefused("voice.enabled is true but the voice-emotion model cannot be used", c, e);
    }
  }

  /**
   * Verifies and loads the face detector and {@code camera.expressionModel} ({@code
   * camera.enabled}).
   *
   * @return the open models; the caller closes them
   * @throws StartupException naming {@code models.manifest} and what is wrong with a model
   */
  public static VisionModels loadVision(AgentConfig c, CameraConfig camera) {
    try {
      return VisionModels.load(c.models(), camera.vision());
    } catch (ModelLoadException e) {
      throw modelRefused("camera.enabled but the vision models cannot be loaded", c, e);
    }
  }

  private static StartupException modelRefused(String what, AgentConfig c, ModelLoadException e) {
    return new StartupException(
        what + " (models.manifest " + c.models().manifest() + "): " + oneLine(e.getMessage()), e);
  }

  /** An existing directory must be writable; a missing one must be creatable. */
  private static void directory(String key, Path dir) {
    if (Files.exists(dir)) {
      if (!Files.isDirectory(dir)) {
        throw new StartupException(key + " " + dir + " is not a directory");
      }
      String problem = probe(dir);
      if (problem != null) {
        throw new StartupException(key + " " + dir + " is not writable: " + problem);
      }
      return;
    }
    creatable(key, dir);
  }

  /** A path that does not exist yet: its nearest existing ancestor must be a writable directory. */
  private static void creatable(String key, Path path) {
    Path ancestor = path.toAbsolutePath().getParent();
    while (ancestor != null && !Files.exists(ancestor)) {
      ancestor = ancestor.getParent();
    }
    if (ancestor == null) {
      throw new StartupException(key + " " + path + " cannot be created: no existing parent");
    }
    if (!Files.isDirectory(ancestor)) {
      throw new StartupException(
          key + " " + path + " cannot be created: " + ancestor + " is not a directory");
    }
    String problem = probe(ancestor);
    if (problem != null) {
      throw new StartupException(
          key + " " + path + " cannot be created: " + ancestor + " is not writable: " + problem);
    }
  }

  /** A file the agent writes: absent (and creatable) or a writable regular file. */
  private static void writableFile(String key, Path file) {
    if (!Files.exists(file)) {
      creatable(key, file);
      return;
    }
    if (!Files.isRegularFile(file)) {
      throw new StartupException(key + " " + file + " is not a regular file");
    }
    if (!Files.isReadable(file) || !Files.isWritable(file)) {
      throw new StartupException(key + " " + file + " is not readable and writable by this user");
    }
    String problem = probe(file.toAbsolutePath().getParent());
    if (problem != null) {
      throw new StartupException(
          key + " " + file + ": its directory is not writable (SQLite needs it): " + problem);
    }
  }

  /** A SQLite file: as {@link #writableFile}, and when not empty, a SQLite header. */
  private static void sqliteFile(String key, Path file) {
    writableFile(key, file);
    if (!Files.exists(file)) {
      return;
    }
    try (InputStream in = Files.newInputStream(file)) {
      byte[] head = in.readNBytes(SQLITE_MAGIC.length);
      if (head.length > 0 && !Arrays.equals(head, SQLITE_MAGIC)) {
        throw new StartupException(key + " " + file + " is not an SQLite database");
      }
    } catch (IOException e) {
      throw new StartupException(key + " " + file + " cannot be read: " + reason(e), e);
    }
  }

  /** Creates and deletes a hidden file in {@code dir}; the problem, or null when writable. */
  private static String probe(Path dir) {
    try {
      Path tmp = Files.createTempFile(dir, ".affectgate-check-", ".tmp");
      Files.delete(tmp);
      return null;
    } catch (IOException e) {
      return reason(e);
    }
  }

  private static String reason(IOException e) {
    if (e instanceof AccessDeniedException) {
      return "permission denied";
    }
    if (e instanceof FileSystemException f && f.getReason() != null) {
      return f.getReason();
    }
    return e.getMessage() == null ? e.getClass().getSimpleName() : oneLine(e.getMessage());
  }

  private static String withCause(RuntimeException e) {
    Throwable cause = e.getCause();
    if (cause == null) {
      return oneLine(e.getMessage());
    }
    String detail = cause instanceof IOException io ? reason(io) : oneLine(cause.getMessage());
    return oneLine(e.getMessage()) + ": " + detail;
  }

  private static String oneLine(String s) {
    return s == null ? "" : s.replaceAll("\\s*\\R\\s*", " ").strip();
  }

  private static void closeQuietly(AutoCloseable c) {
    try {
      c.close();
    } catch (Exception e) {
      // verified and loaded; closing a model we only checked cannot change the verdict
    }
  }
}
