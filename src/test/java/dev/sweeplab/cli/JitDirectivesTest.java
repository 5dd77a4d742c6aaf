package dev.sweeplab.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * bin/sweeplab starts its JVM with conf/jit-directives.json: the file parses (a file HotSpot cannot
 * read stops the JVM before it starts), its directive keeps C2 from the libraries a sweep uses once
 * per run or per file, and it names none of the packages that train.
 */
class JitDirectivesTest {
  @Test
  void theLauncherAppliesTheDirectivesToTheLibrariesNotToTheTraining(@TempDir Path tmp)
      throws IOException, InterruptedException {
    Path log = tmp.resolve("out.txt");
    ProcessBuilder pb =
        new ProcessBuilder(Path.of("bin", "sweeplab").toAbsolutePath().toString(), "--version")
            .redirectErrorStream(true)
            .redirectOutput(log.toFile())
            .redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null")));
    pb.environment().put("SWEEPLAB_JAVA_OPTS", "-XX:+CompilerDirectivesPrint");
    Process p = pb.start();
    assertTrue(p.waitFor(120, TimeUnit.SECONDS), "bin/sweeplab --version did not end");
    String out = Files.readString(log);
    assertEquals(0, p.exitValue(), out);
    assertTrue(out.contains("sweeplab "), out);
    int directive = out.indexOf("org/apache/parquet/*.*");
    assertTrue(directive >= 0, "no directive names Parquet:\n" + out);
    String ours = out.substring(out.lastIndexOf("Directive:", directive));
    ours = ours.substring(0, ours.indexOf("Directive:", "Directive:".length()));
    String c2 = ours.substring(ours.indexOf("c2 directives:"));
    assertTrue(c2.contains("Exclude:true"), "C2 is not excluded:\n" + ours);
    String c1 = ours.substring(ours.indexOf("c1 directives:"), ours.indexOf("c2 directives:"));
    assertTrue(c1.contains("Exclude:false"), "C1 is excluded too:\n" + ours);
    for (String training : new String[] {"dev/sweeplab/model", "dev/sweeplab/train", "org/nd4j"}) {
      assertFalse(ours.contains(training), training + " is in the directive:\n" + ours);
    }
  }
}
