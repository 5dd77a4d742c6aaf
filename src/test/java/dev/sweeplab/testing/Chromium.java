package dev.sweeplab.testing;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Headless Chromium for the HTML report's tests: loads a page from the file system, with a fresh
 * profile and background networking off, and returns its DOM after the page's scripts ran, or a
 * screenshot. No port is opened (no remote debugging).
 */
public final class Chromium {
  private static final Pattern STATUS =
      Pattern.compile("<pre id=\"report-status\"[^>]*>(.*?)</pre>", Pattern.DOTALL);

  private final Path binary;

  private Chromium(Path binary) {
    this.binary = binary;
  }

  /** The Chromium on the PATH ({@code chromium}, {@code chromium-browser}), or null. */
  public static Chromium find() {
    for (String dir : System.getenv().getOrDefault("PATH", "").split(File.pathSeparator)) {
      for (String name : List.of("chromium", "chromium-browser")) {
        Path p = Path.of(dir, name);
        if (Files.isExecutable(p)) {
          return new Chromium(p);
        }
      }
    }
    return null;
  }

  /** The DOM of {@code page} (with {@code fragment}, e.g. "#selftest", or "") once loaded. */
  public String dumpDom(Path page, String fragment, Path profile) throws IOException {
    return run(profile, "--virtual-time-budget=10000", "--dump-dom", url(page, fragment));
  }

  /** A screenshot of {@code page} into {@code png}, {@code width} × {@code height} pixels. */
  public void screenshot(Path page, Path png, int width, int height, Path profile)
      throws IOException {
    Files.createDirectories(png.toAbsolutePath().getParent());
    run(
        profile,
        "--virtual-time-budget=10000",
        "--hide-scrollbars",
        "--screenshot=" + png.toAbsolutePath(),
        "--window-size=" + width + "," + height,
        url(page, ""));
    if (!Files.isRegularFile(png) || Files.size(png) == 0) {
      throw new IOException("chromium wrote no screenshot to " + png);
    }
  }

  /** The JSON of {@code <pre id="report-status">} in a dumped DOM. */
  public static JsonNode status(String dom) throws IOException {
    Matcher m = STATUS.matcher(dom);
    if (!m.find()) {
      throw new AssertionError("no report-status element in the page: " + head(dom));
    }
    String text =
        m.group(1)
            .replace("&quot;", "\"")
            .replace("&lt;", "<")
            .replace("&gt;", ">")
            .replace("&#39;", "'")
            .replace("&amp;", "&");
    return new ObjectMapper().readTree(text);
  }

  /**
   * Opens {@code page} with {@code #selftest} (every chart also redrawn under each choice of its
   * controls), using a fresh profile under {@code scratch}, and asserts its health record: drawing
   * done, no script error, and every chart of {@code charts}, and every chart it has, rendered.
   * Returns the DOM and the record.
   */
  public Loaded assertHealthy(Path page, Path scratch, List<String> charts) throws IOException {
    Path profile = Files.createTempDirectory(scratch, "profile");
    String dom = dumpDom(page, "#selftest", profile);
    JsonNode status = status(dom);
    if (!"done".equals(status.path("state").asText())
        || status.path("errors").size() != 0
        || status.path("selftests").asInt() == 0) {
      throw new AssertionError("the page did not draw cleanly: " + status.toPrettyString());
    }
    for (String chart : charts) {
      if (!status.path("charts").has(chart)) {
        throw new AssertionError("no chart " + chart + ": " + status.toPrettyString());
      }
    }
    status
        .path("charts")
        .fields()
        .forEachRemaining(
            e -> {
              if (!e.getValue().path("rendered").asBoolean()) {
                throw new AssertionError(
                    "chart " + e.getKey() + " did not render: " + status.toPrettyString());
              }
            });
    return new Loaded(dom, status);
  }

  /** A page's DOM after its scripts ran, and its health record. */
  public record Loaded(String dom, JsonNode status) {}

  private static String url(Path page, String fragment) {
    return page.toAbsolutePath().toUri() + fragment;
  }

  private String run(Path profile, String... args) throws IOException {
    List<String> command =
        new ArrayList<>(
            List.of(
                binary.toString(),
                "--headless=new",
                "--no-sandbox",
                "--disable-gpu",
                "--no-first-run",
                "--disable-background-networking",
                "--disable-component-update",
                "--disable-sync",
                "--disable-default-apps",
                "--disable-extensions",
                "--user-data-dir=" + profile.toAbsolutePath()));
    command.addAll(List.of(args));
    Path out = Files.createTempFile(profile.getParent(), "chromium", ".out");
    Path err = Files.createTempFile(profile.getParent(), "chromium", ".err");
    ProcessBuilder pb = new ProcessBuilder(command).redirectOutput(out.toFile());
    pb.redirectError(err.toFile());
    Map<String, String> env = pb.environment();
    env.remove("DISPLAY");
    Process p = pb.start();
    try {
      if (!p.waitFor(180, TimeUnit.SECONDS)) {
        p.destroyForcibly();
        throw new IOException("chromium did not finish in 180 s: " + command);
      }
    } catch (InterruptedException e) {
      p.destroyForcibly();
      Thread.currentThread().interrupt();
      throw new IOException("interrupted waiting for chromium", e);
    }
    if (p.exitValue() != 0) {
      throw new IOException(
          "chromium exited "
              + p.exitValue()
              + ": "
              + command
              + "\n"
              + Files.readString(err, StandardCharsets.UTF_8));
    }
    return Files.readString(out, StandardCharsets.UTF_8);
  }

  private static String head(String text) {
    return text.length() > 2000 ? text.substring(0, 2000) + "..." : text;
  }
}
