package dev.sweeplab.engine;

import dev.sweeplab.spec.Key;
import dev.sweeplab.spec.SweepSpec;
import dev.sweeplab.store.Warehouse;
import java.util.List;
import org.apache.spark.sql.SparkSession;

/**
 * The table printed at the end of {@code run}: per configuration of the swept axes, runs, how many
 * finished, and mean ± standard deviation over seeds of final test error, train error and test
 * loss. Driver-only.
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
        + "round(avg(final_test_error), 4) AS test_error, "
        + "round(stddev_samp(final_test_error), 4) AS test_error_sd, "
        + "round(avg(final_train_error), 4) AS train_error, "
        + "round(avg(final_test_loss), 4) AS test_loss "
        + "FROM runs WHERE sweep = '"
        + spec.name()
        + "'"
        + (axes.isEmpty() ? "" : " GROUP BY " + group + " ORDER BY " + group);
  }

  /** Prints the summary to standard output. */
  public static void print(SparkSession spark, Warehouse warehouse, SweepSpec spec) {
    Tables.register(spark, warehouse);
    System.out.println("mean over " + spec.repeats() + " seed(s) per configuration:");
    spark.sql(query(spec)).show(500, false);
  }
}
