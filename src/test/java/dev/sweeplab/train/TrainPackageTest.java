package dev.sweeplab.train;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * The training loop reaches a network only through {@code model.Mlp}: no source file of this
 * package imports DL4J or ND4J, so the loop, the loss and the measurements are the same whatever
 * implementation computes the steps.
 */
class TrainPackageTest {
  @Test
  void importsNoDl4jOrNd4j() throws IOException {
    Path dir = Path.of("src/main/java/dev/sweeplab/train");
    List<String> offending;
    try (Stream<Path> files = Files.list(dir)) {
      List<Path> sources = files.filter(f -> f.toString().endsWith(".java")).toList();
      assertTrue(sources.size() >= 5, "the package's sources: " + sources);
      offending =
          sources.stream()
              .filter(
                  f -> {
                    try {
                      String text = Files.readString(f);
                      return text.contains("org.deeplearning4j") || text.contains("org.nd4j");
                    } catch (IOException e) {
                      throw new java.io.UncheckedIOException(e);
                    }
                  })
              .map(Path::toString)
              .toList();
    }
    assertEquals(List.of(), offending);
  }
}
