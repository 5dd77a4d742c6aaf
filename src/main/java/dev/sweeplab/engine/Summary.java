package dev.sweeplab.engine;

import dev.sweeplab.report.Table;
import dev.sweeplab.spec.Key;
import dev.sweeplab.spec.SweepSpec;
import dev.sweeplab.store.Warehouse;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;

/**
 * The per-configuration summary of a sweep: for each combination of the swept axes, runs, how many
 * finished, and mean and standard deviation over seeds of the final errors and losses. Driver-only.
 */
public final class Summary {
  private Summary() {}

  /** The summary query for a sweep, over the {@code runs} view. */
  public static String query(SweepSpec spec) {
    List<String> axes = spec.axes().stream().map(Key::column).toList();
    String group = String.join(", ", axes);
    String select = axes.isEmpty() ? "" : group + ", ";
    return "SELECT "
        + select
        + "count(*) AS runs, sum(CASE WHEN status = 'ok' THEN 1 ELSE 0 END) AS ok, "
        + "avg(final_test_error) AS test_error, stddev_samp(final_test_error) AS test_error_sd, "
        + "avg(final_train_error) AS train_error, "
        + "avg(final_test_loss) AS test_loss, stddev_samp(final_test_loss) AS test_loss_sd "
        + "FROM runs WHERE sweep = '"
        + spec.name()
        + "'"
        + (axes.isEmpty() ? "" : " GROUP BY " + group + " ORDER BY " + group);
  }

  /** The summary of {@code spec}'s committed runs. */
  public static Table of(SparkSession spark, Warehouse warehouse, SweepSpec spec) {
    return Tables.read(
        spark, warehouse, List.of(Warehouse.RUNS), () -> collect(spark.sql(query(spec))));
  }

  /** A sweep's rows of an analysis table, as a plain table for the report. */
  public static Table table(SparkSession spark, Warehouse warehouse, String table, SweepSpec spec) {
    return Tables.read(
        spark,
        warehouse,
        List.of(table),
        () ->
            collect(
                spark.sql(
                    "SELECT * FROM "
                        + table
                        + " WHERE sweep = '"
                        + spec.name().replace("'", "''")
                        + "'")));
  }

  /**
   * Some columns of a sweep's rows of an analysis table, in the order they were written (each
   * partition is one file), as a plain table for the report.
   */
  public static Table table(
      SparkSession spark, Warehouse warehouse, String table, SweepSpec spec, List<String> columns) {
    return Tables.read(
        spark,
        warehouse,
        List.of(table),
        () ->
            collect(
                spark.sql(
                    "SELECT `"
                        + String.join("`, `", columns)
                        + "` FROM "
                        + table
                        + " WHERE sweep = '"
                        + spec.name().replace("'", "''")
                        + "'")));
  }

  /** A query's rows as a plain table; arrays become Java lists. */
  static Table collect(Dataset<Row> result) {
    List<List<Object>> rows = new ArrayList<>();
    for (Row row : result.collectAsList()) {
      List<Object> values = new ArrayList<>();
      for (int i = 0; i < row.length(); i++) {
        // Arrays leave Spark as Scala sequences; the report takes plain Java lists.
        values.add(
            row.isNullAt(i) || !(row.get(i) instanceof scala.collection.Seq)
                ? row.get(i)
                : new ArrayList<>(row.getList(i)));
      }
      rows.add(values);
    }
    return new Table(Arrays.asList(result.columns()), rows);
  }
}
