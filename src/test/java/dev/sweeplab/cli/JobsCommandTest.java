package dev.sweeplab.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.sweeplab.spec.SpecParser;
import dev.sweeplab.spec.SweepSpec;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code sweeplab jobs}: every shipped sweep listed with its runs, an estimate and its claim. */
class JobsCommandTest {
  @TempDir Path tmp;

  @Test
  void listsEveryShippedJobWithItsRunsAndWhatItShows() throws IOException {
    CliTest.Result r = CliTest.cli("jobs", "--dir", "jobs");
    assertEquals(0, r.code(), r.err());
    List<Path> files;
    try (Stream<Path> list = Files.list(Path.of("jobs"))) {
      files = list.filter(p -> p.toString().endsWith(".yaml")).sorted().toList();
    }
    assertTrue(files.size() >= 8, "the shipped jobs: " + files);
    List<String> lines = r.out().lines().toList();
    assertEquals(files.size() + 2, lines.size(), "a header, one line per job, a footnote: " + r);
    for (int i = 0; i < files.size(); i++) {
      SweepSpec spec = SpecParser.parse(files.get(i));
      String[] cells = lines.get(i + 1).trim().split("\\s+");
      assertEquals(spec.name(), cells[0], lines.get(i + 1));
      assertEquals(String.valueOf(spec.runCount()), cells[1], lines.get(i + 1));
      assertTrue(cells[2].matches("[0-9.]+") && Double.parseDouble(cells[2]) > 0, lines.get(i + 1));
      assertTrue(
          lines.get(i + 1).endsWith(JobsCommand.summary(files.get(i))),
          "the opening comment's first line: " + lines.get(i + 1));
      assertTrue(
          !JobsCommand.summary(files.get(i)).isEmpty(), files.get(i) + " says what it shows");
    }
  }

  @Test
  void aFolderWithoutSweepsIsAUserError() throws IOException {
    CliTest.assertUserError(CliTest.cli("jobs", "--dir", tmp.toString()), "holds no sweep files");
    CliTest.assertUserError(
        CliTest.cli("jobs", "--dir", tmp.resolve("absent").toString()), "is not a folder");
  }

  @Test
  void durationsReadAsAPersonWouldSayThem() {
    assertEquals("31 s", JobsCommand.duration(31.2));
    assertEquals("12 min", JobsCommand.duration(720));
    assertEquals("2.5 h", JobsCommand.duration(9000));
  }
}
