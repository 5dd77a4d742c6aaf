package dev.sweeplab.testing;

import java.io.File;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

/** Child processes for tests: output to files, no standard input, an environment edited. */
public final class Processes {
  private Processes() {}

  /**
   * Starts {@code command} with stdout and stderr to files and no standard input; {@code env} sets
   * variables, a null value removes one.
   */
  public static Process start(List<String> command, Map<String, String> env, Path out, Path err)
      throws IOException {
    ProcessBuilder pb =
        new ProcessBuilder(command)
            .redirectOutput(out.toFile())
            .redirectError(err.toFile())
            .redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")));
    env.forEach(
        (k, v) -> {
          if (v == null) {
            pb.environment().remove(k);
          } else {
            pb.environment().put(k, v);
          }
        });
    return pb.start();
  }
}
