package dev.sweeplab.engine;

import dev.sweeplab.store.PartitionCommit;
import dev.sweeplab.store.TableStore;
import dev.sweeplab.store.Warehouse;
import java.util.List;
import java.util.Map;
import org.apache.iceberg.spark.SparkSchemaUtil;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.functions;

/**
 * Replaces a sweep's partition of one analysis table in one Iceberg snapshot: readers see the
 * sweep's earlier rows or the new ones, never a mix, and the earlier snapshot stays readable
 * ({@code VERSION AS OF}). Driver-only. The {@code runs}, {@code curves} and {@code sweeps} tables
 * are committed by {@link SweepCommit}.
 */
final class Commit {
  private Commit() {}

  /**
   * Makes {@code rows} the sweep's partition of {@code table}, created or given new columns as
   * needed; null empties the partition. Rows carry a {@code sweep} column equal to {@code sweep}.
   * Other sweeps' partitions are untouched. A Spark session that reads an earlier state of the
   * tables ({@link Tables#readsEarlierState}) writes nothing: its rows describe the past, and would
   * replace the analysis of today's runs.
   */
  static void replace(
      SparkSession spark, Warehouse warehouse, String sweep, String table, Dataset<Row> rows) {
    if (Tables.readsEarlierState(spark)) {
      return;
    }
    TableStore store = Tables.store(spark, warehouse);
    if (rows == null) {
      store.load(table).ifPresent(t -> PartitionCommit.replace(t, sweep, List.of(), Map.of()));
      return;
    }
    store.createOrLoad(table, SparkSchemaUtil.convert(rows.schema()));
    try {
      rows.writeTo(Tables.sparkTable(Tables.sparkCatalog(spark, store), table))
          .option("snapshot-property." + PartitionCommit.SWEEP, sweep)
          .overwrite(functions.col("sweep").equalTo(functions.lit(sweep)));
    } catch (Exception e) { // Spark's NoSuchTableException is checked but cannot arise here
      throw e instanceof RuntimeException r
          ? r
          : new IllegalStateException("commit to table " + table + " failed", e);
    }
  }
}
