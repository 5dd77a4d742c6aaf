package dev.sweeplab.docs;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.sweeplab.spec.SpecParser;
import dev.sweeplab.spec.SweepSpec;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * The documentation's own rules: a short README, Markdown links that resolve to files inside the
 * repository, and no words about how the software was built (the repository speaks of the software;
 * its history is git log).
 */
class DocsTest {
  static final Path ROOT = Path.of("").toAbsolutePath();
  static final int README_LIMIT = 15 * 1024;

  /** Where the wording rule applies. */
  static final List<String> WORDED =
      List.of("src", "docs", "jobs", "conf", "deploy", "bench", "bin");

  /** A Markdown link or image: [text](target) or ![alt](target). */
  static final Pattern LINK = Pattern.compile("\\]\\(([^)\\s]+)(?:\\s+\"[^\"]*\")?\\)");

  /** Words of the development process. */
  static final List<Pattern> HISTORY =
      List.of(
          Pattern.compile("(?i)\\bissues?\\s*#?\\d"),
          Pattern.compile("(?i)\\bround\\s+of\\s+work\\b"),
          Pattern.compile("(?i)\\bthis change\\b"),
          Pattern.compile("(?i)\\bsessions?\\b"));

  /** "Session" as Spark uses it: SparkSession, a Spark session, our Sessions factory. */
  static final Pattern SPARK_SESSION =
      Pattern.compile(
          "(?i)(spark(?:'s)?\\s*sessions?|spark\\.sql\\.session\\.|(?-i:\\bSessions(?:Test)?\\b)"
              + "|\\bsessions?(?:State|Catalog|Conf)\\b)");

  @Test
  void theReadmeIsShort() throws IOException {
    long size = Files.size(ROOT.resolve("README.md"));
    assertTrue(
        size < README_LIMIT, "README.md is " + size + " bytes; the limit is " + README_LIMIT);
  }

  @Test
  void everyLinkResolvesInsideTheRepository() throws IOException {
    List<String> bad = new ArrayList<>();
    for (Path md : markdownFiles()) {
      String text = Files.readString(md, StandardCharsets.UTF_8);
      Matcher m = LINK.matcher(text);
      while (m.find()) {
        String target = m.group(1);
        if (target.startsWith("#")) {
          continue;
        }
        String file = target.replaceFirst("#.*$", "");
        Path resolved = md.getParent().resolve(file).normalize();
        if (target.matches("^[a-zA-Z][a-zA-Z0-9+.-]*:.*")) {
          bad.add(ROOT.relativize(md) + ": " + target + " (outside the repository)");
        } else if (!resolved.startsWith(ROOT) || resolved.toString().contains("/target/")) {
          bad.add(ROOT.relativize(md) + ": " + target + " (outside the repository)");
        } else if (!Files.exists(resolved)) {
          bad.add(ROOT.relativize(md) + ": " + target + " (no such file)");
        }
      }
    }
    assertTrue(
        bad.isEmpty(),
        "links that do not resolve inside the repository:\n" + String.join("\n", bad));
  }

  @Test
  void noWordsAboutHowTheSoftwareWasBuilt() throws IOException {
    List<String> found = new ArrayList<>();
    List<Path> files = new ArrayList<>(List.of(ROOT.resolve("README.md")));
    for (String dir : WORDED) {
      try (Stream<Path> walk = Files.walk(ROOT.resolve(dir))) {
        walk.filter(Files::isRegularFile)
            .filter(DocsTest::isText)
            // This file spells out the patterns it looks for.
            .filter(p -> !p.endsWith("DocsTest.java"))
            .forEach(files::add);
      }
    }
    for (Path file : files) {
      // Decoded leniently: the malformed-input corpus holds bytes that are not UTF-8 on purpose.
      List<String> lines =
          new String(Files.readAllBytes(file), StandardCharsets.UTF_8).lines().toList();
      for (int i = 0; i < lines.size(); i++) {
        String line = SPARK_SESSION.matcher(lines.get(i)).replaceAll("");
        for (Pattern p : HISTORY) {
          if (p.matcher(line).find()) {
            found.add(ROOT.relativize(file) + ":" + (i + 1) + ": " + lines.get(i).strip());
          }
        }
      }
    }
    assertTrue(found.isEmpty(), "development-history words:\n" + String.join("\n", found));
  }

  @Test
  void theSweepFilesInTheDocsParse() throws IOException {
    int parsed = 0;
    for (Path md : List.of(ROOT.resolve("README.md"), ROOT.resolve("docs/sweeps.md"))) {
      Matcher block =
          Pattern.compile("```yaml\n(.*?)```", Pattern.DOTALL)
              .matcher(Files.readString(md, StandardCharsets.UTF_8));
      while (block.find()) {
        SweepSpec spec = SpecParser.parse(block.group(1), md.getFileName().toString());
        assertFalse(spec.expand().isEmpty(), md + ": " + spec.name());
        parsed++;
      }
    }
    assertTrue(parsed >= 2, "the README and docs/sweeps.md each show a sweep file");
  }

  /** The checker itself: what it must catch and what it must let through. */
  @Test
  void theWordingRuleCatchesHistoryAndSparesSpark() {
    for (String history :
        List.of(
            "measured in sess" + "ion 9",
            "see iss" + "ue 5",
            "Iss" + "ue #12",
            "a round " + "of work",
            "This " + "change",
            "as in earlier sess" + "ions")) {
      String line = SPARK_SESSION.matcher(history).replaceAll("");
      assertTrue(HISTORY.stream().anyMatch(p -> p.matcher(line).find()), history);
    }
    for (String spark :
        List.of(
            "try (SparkSession spark = Sessions.open(...))",
            "a Spark session per test class",
            "spark.sql.session.timeZone",
            "Spark's session catalog")) {
      String line = SPARK_SESSION.matcher(spark).replaceAll("");
      assertTrue(HISTORY.stream().noneMatch(p -> p.matcher(line).find()), spark);
    }
  }

  static List<Path> markdownFiles() throws IOException {
    try (Stream<Path> walk = Files.walk(ROOT)) {
      return walk.filter(p -> p.toString().endsWith(".md"))
          .filter(
              p -> !ROOT.relativize(p).toString().matches("(target|\\.git|reports|warehouse)/.*"))
          .sorted()
          .toList();
    }
  }

  static boolean isText(Path p) {
    String name = p.getFileName().toString();
    return name.matches(".*\\.(java|md|ya?ml|conf|properties|options|sh|py|cron|txt|json|csv)")
        || name.equals("sweeplab")
        || name.startsWith("Dockerfile");
  }
}
