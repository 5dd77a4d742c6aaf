package dev.sweeplab.engine;

import dev.sweeplab.spec.Key;
import dev.sweeplab.spec.SpecKeys;
import dev.sweeplab.spec.SweepSpec;
import dev.sweeplab.store.Warehouse;
import java.util.ArrayList;
import java.util.List;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;

/**
 * The coordinate check of Yang et al. (Tensor Programs V, Fig. 5; microsoft/mup): mean |h_t| and
 * mean |h_t − h_0| of each layer at each evaluated step, averaged over seeds, per width and per
 * value of the other swept axes (the optimizer and the parameterization among them when swept).
 * Under muP the change is flat in width for every layer from the first step on, and so is |h_t|
 * except the logits' at step 0 (their init σ falls as 1/√r unless the readout starts at zero);
 * under standard parameterization the change grows with width once training starts, the logits'
 * fastest. Written to the {@code coord_check} table. Driver-only.
 */
final class CoordCheck {
  private CoordCheck() {}

  /** The query over the {@code runs} and {@code curves} views for {@code spec}. */
  static String query(SparkSession spark, SweepSpec spec) {
    List<String> keys = new ArrayList<>();
    for (Key axis : spec.axes()) {
      if (axis != SpecKeys.WIDTH) {
        keys.add("r." + axis.column());
      }
    }
    keys.add("r.width");
    String group = String.join(", ", keys) + ", c.step, t.layer";
    return "SELECT r.sweep, "
        + group
        + ", avg(t.activation) AS mean_abs_activation,"
        // Curves committed before activation_changes existed read null there: so does the mean.
        + " avg(c.activation_changes[t.layer]) AS mean_abs_change, count(*) AS seeds, '"
        + RunFilter.trainedBy(spec)
        + "' AS trained_by"
        + " FROM curves c JOIN runs r ON c.sweep = r.sweep AND c.run_id = r.run_id"
        + " LATERAL VIEW posexplode(c.activations) t AS layer, activation"
        + " WHERE r.sweep = '"
        + spec.name()
        + "' AND "
        + RunFilter.where(spark, spec, "r.")
        + " GROUP BY r.sweep, "
        + group;
  }

  /** Replaces the sweep's partition of {@code coord_check}; returns its rows. */
  static long write(SparkSession spark, Warehouse warehouse, SweepSpec spec) {
    Tables.register(spark, warehouse);
    Dataset<Row> rows = spark.sql(query(spark, spec)).cache();
    try {
      Commit.replace(spark, warehouse, spec.name(), Warehouse.COORD_CHECK, rows);
      return rows.count();
    } finally {
      rows.unpersist();
    }
  }
}
