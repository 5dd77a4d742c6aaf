package dev.sweeplab.engine;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.sweeplab.spec.SpecParser;
import dev.sweeplab.spec.SweepSpec;
import dev.sweeplab.store.Warehouse;
import dev.sweeplab.testing.DocBlocks;
import dev.sweeplab.testing.SparkTestBase;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.apache.spark.sql.Row;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The Spark settings and SQL of docs/tables.md ("Spark SQL" and "Querying on a cluster") and of the
 * README, run as written against a small committed sweep: the five {@code --conf} lines name the
 * catalog, and the queries, the snapshots table and time travel read through it. Only the warehouse
 * path, the sweep names, the snapshot id and the catalog's name (a test JVM holds other warehouses'
 * catalogs) are replaced.
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

  private static final AtomicInteger CATALOGS = new AtomicInteger();

  @TempDir Path tmp;

  /** The catalog name this test's settings give, in place of {@code sweeplab}. */
  private String catalog;

  private long snapshot;

  @AfterEach
  void restoreDefaultCatalog() {
    spark.conf().set("spark.sql.defaultCatalog", "spark_catalog");
  }

  /** Sets the documented {@code --conf} lines of {@code file}'s section on the Spark session. */
  void configure(Path file, String heading) throws Exception {
    List<String> blocks =
        DocBlocks.blocks(file, heading, "").stream()
            .filter(b -> b.contains("spark.sql.catalog.sweeplab="))
            .toList();
    assertEquals(1, blocks.size(), file + ": one block of Spark settings");
    catalog = "doc" + CATALOGS.incrementAndGet();
    Matcher conf = Pattern.compile("--conf (\\S+?)=(\\S+)").matcher(blocks.get(0));
    List<String> keys = new ArrayList<>();
    while (conf.find()) {
      String key = conf.group(1).replace("catalog.sweeplab", "catalog." + catalog);
      String value =
          conf.group(2)
              .replace("/path/to/warehouse", tmp.resolve("wh").toString())
              .replaceAll("^sweeplab$", catalog);
      spark.conf().set(key, value);
      keys.add(conf.group(1));
    }
    assertEquals(5, keys.size(), file + ": five settings: " + keys);
    assertTrue(keys.contains("spark.sql.defaultCatalog"), keys.toString());
    // sweeplab's own views of the same names would hide the catalog's tables.
    for (String t : Tables.ALL) {
      spark.catalog().dropTempView(t);
    }
  }

  /** Runs {@code statement} on the test's warehouse and sweep. */
  List<Row> run(String statement) {
    String sql =
        statement
            .replace("sweeplab.default.", catalog + ".default.")
            .replaceAll("VERSION AS OF \\d+", "VERSION AS OF " + snapshot)
            .replace("'scaling_teacher'", "'readme'")
            .replace("'quickstart'", "'readme'")
            .replace("'dd_model_fashion'", "'readme'");
    return spark.sql(sql).collectAsList();
  }

  void commitSweep() {
    SweepSpec spec = SpecParser.parse(SPEC, "readme.yaml");
    Warehouse warehouse = new Warehouse(tmp.resolve("wh").toString());
    SweepOutcome o = new SweepRunner(spark, warehouse).run(spec, false);
    assertEquals(8, o.counts().ok(), o.toString());
    snapshot =
        Tables.store(spark, warehouse)
            .load(Warehouse.RUNS)
            .orElseThrow()
            .currentSnapshot()
            .snapshotId();
  }

  @Test
  void theSparkSqlSectionAndTheReadmeRunAsWritten() throws Exception {
    commitSweep();
    for (Path file : List.of(DOC, Path.of("README.md"))) {
      String heading = file.equals(DOC) ? "## Spark SQL" : "## Querying";
      configure(file, heading);
      List<String> statements =
          DocBlocks.statements(DocBlocks.blocks(file, heading, "sql")).stream()
              .filter(s -> !s.contains("read_parquet("))
              .toList();
      assertEquals(2, statements.size(), file + ": a query and one more: " + statements);
      List<Row> curve = run(statements.get(0));
      assertEquals(4, curve.size(), file + ": one row per (width, train_size): " + curve);
      for (Row r : curve) {
        assertEquals(2L, r.getLong(3), file + ": two seeds: " + r);
      }
      List<Row> second = run(statements.get(1));
      if (statements.get(1).contains("VERSION AS OF")) {
        assertRows(file + ": time travel", second, row(8L));
      } else {
        assertEquals(1, second.size(), file + ": one snapshot of runs: " + second);
        assertEquals(snapshot, second.get(0).getLong(0));
        assertEquals("readme", second.get(0).getString(2));
      }
    }
  }

  @Test
  void theClusterSectionRunsAsWritten() throws Exception {
    commitSweep();
    configure(DOC, "## Spark SQL");
    List<String> statements =
        DocBlocks.statements(DocBlocks.blocks(DOC, "## Querying on a cluster", "sql"));
    assertEquals(2, statements.size(), "2 curves");
    List<Row> scaling = run(statements.get(0));
    assertEquals(4, scaling.size(), "one row per (params, train_size): " + scaling);
    for (Row r : scaling) {
      assertFalse(r.isNullAt(2), "a best test loss: " + r);
      assertEquals(2L, r.getLong(3), "two seeds: " + r);
    }
    List<Row> doubleDescent = run(statements.get(1));
    assertEquals(2, doubleDescent.size(), "one row per width: " + doubleDescent);
    assertEquals(4, doubleDescent.get(0).getInt(0));
    assertEquals(8, doubleDescent.get(1).getInt(0));
    for (Row r : doubleDescent) {
      assertFalse(r.isNullAt(2), "a standard deviation over the seeds: " + r);
      assertEquals(4L, r.getLong(4), "2 seeds x 2 train sizes: " + r);
    }
  }
}
