package dev.sweeplab.engine;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import dev.sweeplab.spec.SpecParser;
import dev.sweeplab.spec.SweepSpec;
import dev.sweeplab.store.Warehouse;
import dev.sweeplab.testing.DocBlocks;
import dev.sweeplab.testing.SparkTestBase;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.apache.spark.sql.Row;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The Spark SQL of docs/tables.md ("Spark SQL" and "Querying on a cluster") and of the README, run
 * as written against a small committed sweep: the table registration, partition recovery, the
 * queries by path and the curves. Only the warehouse path and the sweep names are replaced.
 */
class TablesDocSqlTest extends SparkTestBase {
  static final Path DOC = Path.of("docs/tables.md");

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

  @AfterEach
  void dropTables() {
    for (String t : List.of("runs", "curves", "sweeps")) {
      spark.sql("DROP TABLE IF EXISTS " + t);
    }
  }

  /** Runs {@code statement} on the test's warehouse and sweep. */
  List<Row> run(String statement) {
    String uri = tmp.resolve("wh").toUri().toString();
    String sql =
        statement
            .replace("hdfs:///warehouse", uri)
            .replace("/path/to/warehouse", uri)
            .replace("'scaling_teacher'", "'readme'")
            .replace("'quickstart'", "'readme'")
            .replace("'dd_model_fashion'", "'readme'");
    return spark.sql(sql).collectAsList();
  }

  void commitSweep() {
    SweepSpec spec = SpecParser.parse(SPEC, "readme.yaml");
    Warehouse warehouse = new Warehouse(tmp.resolve("wh").toString());
    SweepOutcome o = new SweepRunner(spark, warehouse).run(spec, false);
    assertEquals(8, o.ok(), o.toString());
  }

  @Test
  void theSparkSqlSectionAndTheReadmeRunAsWritten() throws Exception {
    commitSweep();
    for (Path file : List.of(DOC, Path.of("README.md"))) {
      String heading = file.equals(DOC) ? "## Spark SQL" : "## Querying";
      List<String> statements =
          DocBlocks.statements(DocBlocks.blocks(file, heading, "sql")).stream()
              .filter(s -> !s.contains("read_parquet("))
              .toList();
      assertEquals(3, statements.size(), file + ": a table, a repair, a query: " + statements);
      List<List<Row>> results = new ArrayList<>();
      for (String statement : statements) {
        results.add(run(statement));
      }
      List<Row> curve = results.get(2);
      assertEquals(4, curve.size(), file + ": one row per (width, train_size): " + curve);
      for (Row r : curve) {
        assertEquals(2L, r.getLong(3), file + ": two seeds: " + r);
      }
      dropTables();
    }
  }

  @Test
  void theClusterSectionRunsAsWritten() throws Exception {
    commitSweep();
    List<String> statements =
        DocBlocks.statements(DocBlocks.blocks(DOC, "## Querying on a cluster", "sql"));
    assertEquals(7, statements.size(), "3 tables, a repair, the query by path, 2 curves");
    List<List<Row>> results = new ArrayList<>();
    for (String statement : statements) {
      results.add(run(statement));
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
