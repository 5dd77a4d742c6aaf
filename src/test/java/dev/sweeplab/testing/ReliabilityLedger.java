package dev.sweeplab.testing;

import dev.sweeplab.spec.RunConfig;
import dev.sweeplab.spec.SweepSpec;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;

/**
 * The reliability report: each fault scenario records, after its fault, runs planned, committed,
 * duplicated, lost and retrained. Rows are printed as they come and collected in {@code
 * target/reliability-report.md} (started afresh by the first scenario of a test JVM); duplicated,
 * lost and retrained must be 0, and each scenario also asserts that itself.
 */
public final class ReliabilityLedger {
  static final Path FILE = Path.of("target", "reliability-report.md");
  private static boolean started;

  private ReliabilityLedger() {}

  /**
   * What the committed tables hold for {@code spec}: committed = planned run ids present in {@code
   * runs}; duplicated = extra rows in {@code runs} plus (run_id, step) pairs of {@code curves} seen
   * more than once; lost = planned ids absent.
   */
  public record Counts(long planned, long committed, long duplicated, long lost) {}

  /** Counts the tables of {@code spec} (views already registered). */
  public static Counts count(SparkSession spark, SweepSpec spec) {
    String sweep = spec.name().replace("'", "''");
    Set<String> planned = new HashSet<>();
    for (RunConfig run : spec.expand()) {
      planned.add(run.runId());
    }
    List<Row> ids =
        spark.sql("SELECT run_id FROM runs WHERE sweep = '" + sweep + "'").collectAsList();
    Set<String> seen = new HashSet<>();
    long extra = 0;
    for (Row r : ids) {
      if (!seen.add(r.getString(0))) {
        extra++;
      }
    }
    long curveDuplicates =
        spark
            .sql(
                "SELECT count(*) FROM (SELECT run_id, step FROM curves WHERE sweep = '"
                    + sweep
                    + "' GROUP BY run_id, step HAVING count(*) > 1)")
            .first()
            .getLong(0);
    Set<String> committed = new HashSet<>(seen);
    committed.retainAll(planned);
    Set<String> lost = new HashSet<>(planned);
    lost.removeAll(seen);
    return new Counts(planned.size(), committed.size(), extra + curveDuplicates, lost.size());
  }

  /** Adds one scenario's row to the report and prints it. */
  public static synchronized void record(String scenario, Counts c, long retrained) {
    String row =
        String.format(
            "| %s | %d | %d | %d | %d | %d |",
            scenario, c.planned(), c.committed(), c.duplicated(), c.lost(), retrained);
    try {
      Files.createDirectories(FILE.getParent());
      if (!started) {
        Files.writeString(
            FILE,
            "| scenario | planned | committed | duplicated | lost | retrained |\n"
                + "|---|---|---|---|---|---|\n");
        started = true;
      }
      Files.writeString(FILE, row + "\n", StandardOpenOption.APPEND);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    System.out.println("reliability " + row);
  }
}
