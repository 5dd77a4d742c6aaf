package dev.sweeplab.docs;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * The rule of docs/architecture.md: only {@code engine} and {@code cli} import Spark (Spark itself,
 * Iceberg's Spark module, or Scala's library), so every other package runs and is tested without a
 * Spark session.
 */
class SparkImportsTest {
  static final Path MAIN = Path.of("src/main/java/dev/sweeplab");

  @Test
  void onlyEngineAndCliImportSpark() throws IOException {
    List<String> found = new ArrayList<>();
    List<Path> files;
    try (Stream<Path> walk = Files.walk(MAIN)) {
      files = walk.filter(p -> p.toString().endsWith(".java")).toList();
    }
    assertTrue(files.size() > 50, "the main sources: " + files.size());
    for (Path file : files) {
      String pkg = MAIN.relativize(file).getName(0).toString();
      if (pkg.equals("engine") || pkg.equals("cli")) {
        continue;
      }
      for (String line : Files.readAllLines(file)) {
        if (line.startsWith("import org.apache.spark.")
            || line.startsWith("import org.apache.iceberg.spark.")
            || line.startsWith("import scala.")) {
          found.add(file + ": " + line);
        }
      }
    }
    assertEquals(List.of(), found, "Spark imported outside engine/ and cli/");
  }
}
