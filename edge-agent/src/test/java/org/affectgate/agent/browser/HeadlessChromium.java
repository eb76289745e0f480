package org.affectgate.agent.browser;

import java.io.File;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.Comparator;
import java.util.List;
import java.util.stream.Stream;
import org.openqa.selenium.By;
import org.openqa.selenium.NoSuchElementException;
import org.openqa.selenium.OutputType;
import org.openqa.selenium.WebDriver;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;

/**
 * Debian's Chromium, headless, driven through Debian's chromedriver with Selenium, for tests of
 * pages the agent serves (the operator page; a kiosk page later). Nothing is downloaded: the driver
 * is {@value #DRIVER_PATH} and the browser {@value #BROWSER_PATH} (packages {@code chromium} and
 * {@code chromium-driver}, installed by {@code deploy/dev/services.sh install}).
 *
 * <pre>{@code
 * try (HeadlessChromium browser = HeadlessChromium.start()) {
 *   browser.open("http://127.0.0.1:8080/");
 *   await().until(() -> browser.text("#health"), is("ok"));
 *   System.out.println(browser.screenshot(Path.of("target/page.png")));
 * }
 * }</pre>
 *
 * <p>Flags for running as root in a container without a display or network: {@link #FLAGS}, and a
 * fresh {@code --user-data-dir} per instance, deleted by {@link #close()}. Loopback pages only. One
 * instance per test; not thread-safe.
 */
public final class HeadlessChromium implements AutoCloseable {
  public static final String BROWSER_PATH = "/usr/bin/chromium";
  public static final String DRIVER_PATH = "/usr/bin/chromedriver";

  /** Chromium's flags besides the user data directory and window size. */
  public static final List<String> FLAGS =
      List.of(
          "--headless",
          "--no-sandbox",
          "--disable-gpu",
          "--disable-quic",
          "--no-first-run",
          "--disable-background-networking",
          "--disable-component-update",
          "--disable-sync",
          "--disable-dev-shm-usage");

  private final ChromeDriverService service;
  private final ChromeDriver driver;
  private final Path userDataDir;

  private HeadlessChromium(ChromeDriverService service, ChromeDriver driver, Path userDataDir) {
    this.service = service;
    this.driver = driver;
    this.userDataDir = userDataDir;
  }

  /**
   * Starts chromedriver on a free loopback port and a headless Chromium with a 1280×1600 window.
   *
   * @throws IllegalStateException when the browser or driver is not installed (naming the package)
   */
  public static HeadlessChromium start() {
    requireExecutable(BROWSER_PATH, "chromium");
    requireExecutable(DRIVER_PATH, "chromium-driver");
    Path userDataDir;
    try {
      userDataDir = Files.createTempDirectory("affectgate-chromium-");
    } catch (IOException e) {
      throw new UncheckedIOException("cannot create a Chromium profile directory", e);
    }
    ChromeDriverService service =
        new ChromeDriverService.Builder()
            .usingDriverExecutable(new File(DRIVER_PATH))
            .usingAnyFreePort()
            .build();
    ChromeOptions options = new ChromeOptions();
    options.setBinary(BROWSER_PATH);
    options.addArguments(FLAGS);
    options.addArguments("--user-data-dir=" + userDataDir, "--window-size=1280,1600");
    try {
      ChromeDriver driver = new ChromeDriver(service, options);
      driver.manage().timeouts().pageLoadTimeout(Duration.ofSeconds(20));
      return new HeadlessChromium(service, driver, userDataDir);
    } catch (RuntimeException e) {
      service.stop();
      delete(userDataDir);
      throw e;
    }
  }

  private static void requireExecutable(String path, String debianPackage) {
    if (!Files.isExecutable(Path.of(path))) {
      throw new IllegalStateException(
          path
              + " not found: install Debian's "
              + debianPackage
              + " (deploy/dev/services.sh install)");
    }
  }

  /** Loads {@code url} and returns when the page's load event has fired. */
  public void open(String url) {
    driver.get(url);
  }

  /** The visible text of the first element matching {@code cssSelector}, or {@code null}. */
  public String text(String cssSelector) {
    try {
      return driver.findElement(By.cssSelector(cssSelector)).getText();
    } catch (NoSuchElementException e) {
      return null;
    }
  }

  /** The current DOM, serialised (what the scripts made of the page, not the bytes served). */
  public String dom() {
    return driver.getPageSource();
  }

  /** Saves a PNG of the window to {@code file} (parents created); returns its absolute path. */
  public Path screenshot(Path file) {
    File shot = driver.getScreenshotAs(OutputType.FILE);
    try {
      Files.createDirectories(file.toAbsolutePath().getParent());
      Files.copy(shot.toPath(), file, StandardCopyOption.REPLACE_EXISTING);
      Files.deleteIfExists(shot.toPath());
    } catch (IOException e) {
      throw new UncheckedIOException("cannot save the screenshot to " + file, e);
    }
    return file.toAbsolutePath();
  }

  /** The Selenium driver, for what this helper does not wrap. */
  public WebDriver driver() {
    return driver;
  }

  /** Quits the browser and the driver and deletes the profile directory. */
  @Override
  public void close() {
    try {
      driver.quit();
    } finally {
      service.stop();
      delete(userDataDir);
    }
  }

  private static void delete(Path dir) {
    try (Stream<Path> s = Files.walk(dir)) {
      s.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
    } catch (IOException e) {
      // best effort: a temp directory
    }
  }
}
