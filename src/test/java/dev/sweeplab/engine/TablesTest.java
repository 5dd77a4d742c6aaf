package dev.sweeplab.engine;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.sweeplab.spec.SpecParser;
import dev.sweeplab.spec.SweepSpec;
import dev.sweeplab.store.Warehouse;
import dev.sweeplab.testing.SparkTestBase;
import java.nio.file.Path;
import java.util.List;
import org.apache.spark.sql.Row;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class TablesTest extends SparkTestBase {
  @TempDir Path tmp;

  @Test
  void aColumnAddedByANewerVersionReadsNullForOlderSweeps() {
    Warehouse warehouse = new Warehouse(tmp.resolve("wh").toString());
    String runs = warehouse.table(Warehouse.RUNS).toString();
    spark
        .sql("SELECT 'r1' AS run_id, 0.5D AS final_test_loss")
        .write()
        .parquet(runs + "/sweep=a_old");
    spark
        .sql("SELECT 'r2' AS run_id, 0.4D AS final_test_loss, 0.3D AS test_loss_at_best")
        .write()
        .parquet(runs + "/sweep=b_new");

    assertEquals(List.of(Warehouse.RUNS), Tables.register(spark, warehouse));
    List<Row> rows = sql("SELECT sweep, run_id, test_loss_at_best FROM runs ORDER BY sweep");
    assertEquals(2, rows.size());
    assertEquals("a_old", rows.get(0).getString(0));
    assertEquals(true, rows.get(0).isNullAt(2), "older sweep has no test_loss_at_best: " + rows);
    assertEquals("b_new", rows.get(1).getString(0));
    assertEquals(0.3, rows.get(1).getDouble(2));
  }

  /**
   * A warehouse none of whose sweeps has the validation columns (written when runs recorded the
   * test curve's minimum as {@code best_test_loss}): queries of the current columns run and read
   * null, and the older columns still read.
   */
  @Test
  void aWarehouseOlderThanTheValidationColumnsReadsThemAsNull() {
    Warehouse warehouse = new Warehouse(tmp.resolve("older").toString());
    spark
        .sql("SELECT 'r1' AS run_id, 0.5D AS final_test_loss, 0.3D AS best_test_loss")
        .write()
        .parquet(warehouse.table(Warehouse.RUNS) + "/sweep=old");
    spark
        .sql("SELECT 'r1' AS run_id, 0L AS step, 0.6D AS test_loss")
        .write()
        .parquet(warehouse.table(Warehouse.CURVES) + "/sweep=old");
    Tables.register(spark, warehouse);
    assertRows(
        "runs",
        sql(
            "SELECT best_test_loss, best_val_loss, best_step, test_loss_at_best,"
                + " test_error_at_best, val_size, eval_train_size, eval_test_size FROM runs"),
        row(0.3, null, null, null, null, null, null, null));
    assertRows(
        "curves", sql("SELECT test_loss, val_loss, val_error FROM curves"), row(0.6, null, null));
  }

  /**
   * Curves committed before {@code activation_changes} existed: the coordinate check of such a
   * sweep still runs and reads null for the change, beside a newer sweep's values.
   */
  @Test
  void theCoordinateCheckOfAnOlderSweepReadsNullForTheChange() {
    Warehouse warehouse = new Warehouse(tmp.resolve("cc").toString());
    String runs = warehouse.table(Warehouse.RUNS).toString();
    String curves = warehouse.table(Warehouse.CURVES).toString();
    for (String sweep : List.of("a_old", "b_new")) {
      spark
          .sql("SELECT 'r' AS run_id, 64 AS width, 'ok' AS status")
          .write()
          .parquet(runs + "/sweep=" + sweep);
    }
    spark
        .sql("SELECT 'r' AS run_id, 1L AS step, array(0.5D, 2.0D) AS activations")
        .write()
        .parquet(curves + "/sweep=a_old");
    spark
        .sql(
            "SELECT 'r' AS run_id, 1L AS step, array(0.5D, 2.0D) AS activations,"
                + " array(0.1D, 0.4D) AS activation_changes")
        .write()
        .parquet(curves + "/sweep=b_new");
    Tables.register(spark, warehouse);
    for (String sweep : List.of("a_old", "b_new")) {
      SweepSpec spec =
          SpecParser.parse("name: " + sweep + "\nmodel: {width: [64, 128]}\n", sweep + ".yaml");
      List<Row> rows =
          sql(
              "SELECT layer, mean_abs_activation, mean_abs_change, seeds FROM ("
                  + CoordCheck.query(spark, spec)
                  + ") ORDER BY layer");
      if (sweep.equals("a_old")) {
        assertRows(sweep, rows, row(0, 0.5, null, 1L), row(1, 2.0, null, 1L));
      } else {
        assertRows(sweep, rows, row(0, 0.5, 0.1, 1L), row(1, 2.0, 0.4, 1L));
      }
    }
  }
}
