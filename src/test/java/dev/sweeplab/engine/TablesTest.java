package dev.sweeplab.engine;

import static org.junit.jupiter.api.Assertions.assertEquals;

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
        .sql("SELECT 'r2' AS run_id, 0.4D AS final_test_loss, 0.3D AS best_test_loss")
        .write()
        .parquet(runs + "/sweep=b_new");

    assertEquals(List.of(Warehouse.RUNS), Tables.register(spark, warehouse));
    List<Row> rows = sql("SELECT sweep, run_id, best_test_loss FROM runs ORDER BY sweep");
    assertEquals(2, rows.size());
    assertEquals("a_old", rows.get(0).getString(0));
    assertEquals(true, rows.get(0).isNullAt(2), "older sweep has no best_test_loss: " + rows);
    assertEquals("b_new", rows.get(1).getString(0));
    assertEquals(0.3, rows.get(1).getDouble(2));
  }
}
