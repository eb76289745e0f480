package org.affectgate.agent.cli;

import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.time.Duration;
import org.affectgate.agent.config.HttpConfig;

/**
 * Hands a withdrawal the CLI could not write (the ledger's disk is full) to the running agent's
 * admin API, which puts it in force in memory at once and records it when the disk has room: a CLI
 * process cannot do that itself, since it exits. Uses {@code http.host}, {@code http.port} and the
 * token in {@code http.tokenFile}; 5 s timeouts. Blocking; CLI main thread.
 */
final class AgentWithdrawal {
  private static final Duration TIMEOUT = Duration.ofSeconds(5);

  /**
   * What the agent answered.
   *
   * @param status HTTP status, or 0 when the agent could not be asked
   * @param detail the response body, or why the agent could not be asked
   * @param url where it was asked
   */
  record Answer(int status, String detail, String url) {
    boolean held() {
      return status == 202;
    }

    boolean recorded() {
      return status == 204;
    }

    boolean notActive() {
      return status == 404;
    }
  }

  private AgentWithdrawal() {}

  /**
   * Asks the agent to withdraw (or, with {@code erase}, erase) the participant.
   *
   * @param purpose one purpose, or null for every purpose (ignored for an erasure)
   */
  static Answer forward(HttpConfig http, String participant, String purpose, boolean erase) {
    String host = http.host().contains(":") ? "[" + http.host() + "]" : http.host();
    String path =
        "/consent/"
            + URLEncoder.encode(participant, StandardCharsets.UTF_8)
            + (erase ? "/erase" : "")
            + (!erase && purpose != null
                ? "?purpose=" + URLEncoder.encode(purpose, StandardCharsets.UTF_8)
                : "");
    String url = "http://" + host + ":" + http.port() + path;
    if (http.port() == 0) {
      return new Answer(0, "http.port is 0 (a random port): the agent cannot be found", url);
    }
    String token;
    try {
      token = Files.readString(http.tokenFile(), StandardCharsets.UTF_8).strip();
    } catch (IOException e) {
      return new Answer(0, "cannot read http.tokenFile " + http.tokenFile() + ": " + e, url);
    }
    HttpRequest request =
        HttpRequest.newBuilder(URI.create(url))
            .timeout(TIMEOUT)
            .header("Authorization", "Bearer " + token)
            .method(erase ? "POST" : "DELETE", HttpRequest.BodyPublishers.noBody())
            .build();
    try {
      HttpResponse<String> r =
          HttpClient.newBuilder()
              .connectTimeout(TIMEOUT)
              .build()
              .send(request, HttpResponse.BodyHandlers.ofString());
      return new Answer(r.statusCode(), r.body(), url);
    } catch (IOException e) {
      return new Answer(0, "agent not reachable: " + e, url);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return new Answer(0, "interrupted", url);
    }
  }
}
