package dev.sweeplab.spec;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * Every sweep that ships in jobs/ (and the reduced ones CI runs, in jobs/ci/) parses, expands, and
 * says in a comment what it should show.
 */
class JobsTest {
  @Test
  void everyShippedJobIsValidAndDocumented() throws IOException {
    List<Path> jobs;
    try (Stream<Path> files = Files.walk(Path.of("jobs"), 2)) {
      jobs = files.filter(p -> p.toString().endsWith(".yaml")).sorted().toList();
    }
    assertTrue(jobs.contains(Path.of("jobs", "ci", "lr_transfer_ci.yaml")), "CI's reduced job");
    assertFalse(jobs.isEmpty(), "jobs/ has sweep definitions");
    for (Path job : jobs) {
      SweepSpec spec = SpecParser.parse(job);
      String file = job.getFileName().toString();
      assertTrue(
          file.equals(spec.name() + ".yaml"), file + " is named after its sweep " + spec.name());
      assertFalse(spec.expand().isEmpty(), file);
      String text = Files.readString(job);
      assertTrue(text.startsWith("#"), file + " opens with a comment");
      assertTrue(text.contains("Expect"), file + " says what it should show ('Expect: ...')");
    }
  }
}
