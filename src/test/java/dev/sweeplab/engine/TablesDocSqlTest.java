package dev.sweeplab.engine;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.sweeplab.spec.SpecParser;
import dev.sweeplab.spec.SweepSpec;
import dev.sweeplab.store.Warehouse;
import dev.sweeplab.testing.SparkTestBase;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.apache.spark.sql.Row;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The SQL of the README's "Querying on a cluster" section, run as written against a small committed
 * sweep: the table registration, partition recovery, the query by path and the two curves. Only the
 * warehouse path and the sweep names are replaced.
 */
class ReadmeSqlTest extends SparkTestBase {
  static final String SPEC =
      """
      name: readme
      seed: 1
      repeats: 2
      dataset: {input_dim: 4, classes: 3, teacher_width: 8, train_size: [64, 128], test_size: 32}
      model: {width: [4, 8], depth: 1}
      training: {batch_size: 32, steps: 8, eval_points: 3}
      """;

  @TempDir Path tmp;

  /** The statements of the README section, comments removed, in order. */
  static List<String> statements() throws Exception {
    String readme = Files.readString(Path.of("README.md"));
    int from = readme.indexOf("### Querying on a cluster");
    assertTrue(from >= 0, "the README has the section");
    int to = readme.indexOf("\n#", from + 10);
    String section = readme.substring(from, to < 0 ? readme.length() : to);
    List<String> statements = new ArrayList<>();
    Matcher block = Pattern.compile("```sql\n(.*?)```", Pattern.DOTALL).matcher(section);
    while (block.find()) {
      for (String s : block.group(1).replaceAll("--[^\n]*", "").split(";")) {
        if (!s.isBlank()) {
          statements.add(s.strip());
        }
      }
    }
    return statements;
  }

  @AfterEach
  void dropTables() {
    for (String t : List.of("runs", "curves", "sweeps")) {
      spark.sql("DROP TABLE IF EXISTS " + t);
    }
  }

  @Test
  void theReadmesQueriesRunAsWritten() throws Exception {
    SweepSpec spec = SpecParser.parse(SPEC, "readme.yaml");
    Warehouse warehouse = new Warehouse(tmp.resolve("wh").toString());
    SweepOutcome o = new SweepRunner(spark, warehouse).run(spec, false);
    assertEquals(8, o.ok(), o.toString());

    List<String> statements = statements();
    assertEquals(7, statements.size(), "3 tables, a repair, the query by path, 2 curves");
    List<List<Row>> results = new ArrayList<>();
    for (String statement : statements) {
      String sql =
          statement
              .replace("hdfs:///warehouse", tmp.resolve("wh").toUri().toString())
              .replace("'scaling_teacher'", "'readme'")
              .replace("'dd_model_fashion'", "'readme'");
      results.add(spark.sql(sql).collectAsList());
    }
    // "likewise curves and sweeps", with the alternative the section names
    spark.sql("ALTER TABLE curves RECOVER PARTITIONS");
    spark.sql("MSCK REPAIR TABLE sweeps");
    assertRows(
        "the tables' partitions",
        sql(
            "SELECT (SELECT count(*) FROM runs), (SELECT count(DISTINCT run_id) FROM curves),"
                + " (SELECT runs_ok FROM sweeps WHERE sweep = 'readme')"),
        row(8L, 8L, 8L));
    assertRows("the query by path", results.get(4), row(8L));

    List<Row> scaling = results.get(5);
    assertEquals(4, scaling.size(), "one row per (params, train_size): " + scaling);
    for (Row r : scaling) {
      assertFalse(r.isNullAt(2), "a best test loss: " + r);
      assertEquals(2L, r.getLong(3), "two seeds: " + r);
    }
    List<Row> doubleDescent = results.get(6);
    assertEquals(2, doubleDescent.size(), "one row per width: " + doubleDescent);
    assertEquals(4, doubleDescent.get(0).getInt(0));
    assertEquals(8, doubleDescent.get(1).getInt(0));
    for (Row r : doubleDescent) {
      assertFalse(r.isNullAt(2), "a standard deviation over the seeds: " + r);
      assertEquals(4L, r.getLong(4), "2 seeds x 2 train sizes: " + r);
    }
  }
}
