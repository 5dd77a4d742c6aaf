package dev.sweeplab.store;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.sweeplab.spec.RunConfig;
import dev.sweeplab.spec.SpecParser;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.apache.hadoop.conf.Configuration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The commit rehearsal on real files: it stages, compacts and publishes into a scratch Hadoop
 * catalog and leaves nothing behind; a rehearsal that cannot write returns false, throwing nothing.
 */
class CommitRehearsalTest {
  @TempDir Path tmp;

  static RunConfig sample() {
    return SpecParser.parse(
            """
            name: rehearsal-test
            dataset: {input_dim: 4, classes: 2, teacher_width: 8, train_size: 64, test_size: 32}
            model: {width: 4, depth: 1}
            training: {epochs: 1, batch_size: 32}
            """,
            "test")
        .expand()
        .get(0);
  }

  @Test
  void rehearsesTheWholeCommitAndLeavesNothing() throws IOException {
    assertTrue(
        CommitRehearsal.run(new Configuration(), sample(), tmp), "the rehearsal went through");
    assertEquals(List.of(), list(tmp), "its scratch directory is removed");
  }

  @Test
  void aRehearsalThatCannotWriteFailsQuietly() throws IOException {
    Configuration broken = new Configuration();
    broken.set("fs.file.impl", "no.such.FileSystem");
    broken.setBoolean("fs.file.impl.disable.cache", true);
    assertFalse(CommitRehearsal.run(broken, sample(), tmp), "no file system: nothing rehearsed");
    assertEquals(List.of(), list(tmp), "and nothing left");
  }

  private static List<Path> list(Path dir) throws IOException {
    try (Stream<Path> files = Files.list(dir)) {
      return files.toList();
    }
  }
}
