package dev.sweeplab.engine;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.sweeplab.report.Table;
import dev.sweeplab.spec.SpecParser;
import dev.sweeplab.spec.SweepSpec;
import dev.sweeplab.store.Warehouse;
import dev.sweeplab.testing.SparkTestBase;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.apache.spark.sql.Row;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The summary computed in Java from Iceberg's rows ({@link Summary#of}) is the summary Spark SQL
 * computes with {@link Summary#query} on the registered views: the same groups in the same order,
 * the same counts, means and standard deviations, nulls where Spark has them (one seed: no standard
 * deviation), for a sweep with diverged runs, and as of an earlier commit.
 */
class SummaryTest extends SparkTestBase {
  static final String SPEC =
      """
      name: summed
      seed: 7
      repeats: %d
      dataset: {input_dim: 6, classes: 3, teacher_width: 8, train_size: 64, test_size: 64}
      model: {width: %s, depth: 1}
      training: {optimizer: sgd, batch_size: 32, steps: 12, eval_points: 3, learning_rate: [0.01, 1.0e9]}
      """;

  @TempDir Path tmp;

  @Test
  void theJavaSummaryIsSparkSqlsSummary() throws Exception {
    Warehouse warehouse = new Warehouse(tmp.resolve("wh").toString());
    SweepRunner runner = new SweepRunner(spark, warehouse);
    SweepSpec first = SpecParser.parse(SPEC.formatted(2, "[4, 8]"), "summed.yaml");
    SweepOutcome o = runner.run(first, false);
    assertTrue(o.counts().diverged() > 0, "SGD at a rate of 1e9 diverges: " + o.counts());
    Table firstSummary = assertSameAsSpark(warehouse, first);
    assertEquals(4, firstSummary.rows().size(), firstSummary.markdown());
    long afterFirst = System.currentTimeMillis();
    Thread.sleep(50);

    // One seed more and a width more: a second commit of the partition.
    SweepSpec second = SpecParser.parse(SPEC.formatted(3, "[4, 8, 16]"), "summed.yaml");
    runner.run(second, false);
    assertEquals(6, assertSameAsSpark(warehouse, second).rows().size());

    // As of the first commit: the first commit's rows, in Java as in Spark SQL.
    spark.conf().set(Tables.AS_OF, String.valueOf(afterFirst));
    try {
      Table then = assertSameAsSpark(warehouse, second);
      assertEquals(firstSummary, then, "as of the first commit");
    } finally {
      spark.conf().unset(Tables.AS_OF);
    }

    // Whole rows of every kind of column (strings, numbers, timestamps, lists): the tables as
    // Spark SQL's SELECT * returns them.
    for (String table : List.of(Warehouse.RUNS, Warehouse.CURVES, Warehouse.SWEEPS)) {
      assertSameRows(warehouse, table, "summed");
    }

    // One seed: no standard deviation, as Spark's stddev_samp gives none.
    SweepSpec single = SpecParser.parse(SPEC.formatted(1, "4").replace("summed", "single"), "s");
    runner.run(single, false);
    Table one = assertSameAsSpark(warehouse, single);
    assertEquals(null, one.rows().get(0).get(one.column("test_error_sd")), one.markdown());
  }

  /**
   * Edge cases of {@link Summary#summarize} as SQL has them: with no axes an aggregate over no rows
   * is one row (count 0, the rest null); an axis column that the rows lack groups as null.
   */
  @Test
  void anAggregateOverNoRowsAndAMissingAxisAreSqls() {
    Table none = Summary.summarize(List.of(), new Table(List.copyOf(Summary.MEASURES), List.of()));
    assertEquals(1, none.rows().size(), none.markdown());
    assertEquals(
        java.util.Arrays.asList(0L, null, null, null, null, null, null), none.rows().get(0));
    List<String> columns = new ArrayList<>(Summary.MEASURES);
    Table runs =
        new Table(
            columns,
            List.of(
                java.util.Arrays.asList("ok", 0.25, 0.0, 1.0),
                java.util.Arrays.asList("diverged", 0.75, 0.5, 3.0)));
    Table byWidth = Summary.summarize(List.of("width"), runs);
    assertEquals(List.of("width", "runs", "ok"), byWidth.columns().subList(0, 3));
    assertEquals(
        java.util.Arrays.asList(null, 2L, 1L, 0.5, Math.sqrt(0.125), 0.25, 2.0, Math.sqrt(2.0)),
        byWidth.rows().get(0));
  }

  /**
   * Asserts {@link Committed#rows} returns the rows Spark SQL's {@code SELECT *} returns for the
   * sweep: the same columns in the same order, the same rows (compared in a canonical order, since
   * Spark may read files in another order), each value equal.
   */
  private void assertSameRows(Warehouse warehouse, String table, String sweep) {
    Table ours = Committed.of(spark, warehouse).rows(table, sweep, null);
    Tables.register(spark, warehouse, List.of(table));
    org.apache.spark.sql.Dataset<Row> result =
        spark.sql("SELECT * FROM " + table + " WHERE sweep = '" + sweep + "'");
    assertEquals(List.of(result.columns()), ours.columns(), table + ": columns");
    List<String> expected = new ArrayList<>();
    for (Row r : result.collectAsList()) {
      List<Object> values = new ArrayList<>();
      for (int c = 0; c < r.length(); c++) {
        Object v = r.get(c);
        values.add(v instanceof scala.collection.Seq<?> ? new ArrayList<>(r.getList(c)) : v);
      }
      expected.add(values.toString());
    }
    List<String> actual = new ArrayList<>(ours.rows().stream().map(Object::toString).toList());
    assertTrue(!expected.isEmpty(), table + " has rows of " + sweep);
    java.util.Collections.sort(expected);
    java.util.Collections.sort(actual);
    assertEquals(expected, actual, table + ": rows");
  }

  /** Asserts {@link Summary#of} equals Spark SQL's result of {@link Summary#query}; returns it. */
  private Table assertSameAsSpark(Warehouse warehouse, SweepSpec spec) {
    Table java = Summary.of(Committed.of(spark, warehouse), spec);
    Tables.register(spark, warehouse, List.of(Warehouse.RUNS));
    org.apache.spark.sql.Dataset<Row> result = spark.sql(Summary.query(spec));
    assertEquals(List.of(result.columns()), java.columns(), "columns");
    List<Row> rows = result.collectAsList();
    assertEquals(rows.size(), java.rows().size(), java.markdown());
    for (int i = 0; i < rows.size(); i++) {
      List<Object> spark = new ArrayList<>();
      for (int c = 0; c < rows.get(i).length(); c++) {
        spark.add(rows.get(i).get(c));
      }
      List<Object> ours = java.rows().get(i);
      for (int c = 0; c < spark.size(); c++) {
        Object s = spark.get(c);
        Object j = ours.get(c);
        String where = spec.name() + " row " + i + " " + java.columns().get(c) + ": " + spark;
        if (s instanceof Double d && j instanceof Double e && !d.isNaN()) {
          assertEquals(d, e, 1e-12 * Math.max(1, Math.abs(d)), where);
        } else {
          assertEquals(s, j, where);
        }
      }
    }
    return java;
  }
}
