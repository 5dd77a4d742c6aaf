package dev.sweeplab.engine;

import dev.sweeplab.store.Warehouse;
import dev.sweeplab.table.Pins;
import dev.sweeplab.table.TableStore;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.functions;

/**
 * Registers the warehouse's Iceberg tables as Spark SQL temporary views of the same names, each
 * pinned to one snapshot ({@link Pins}): a query sees one committed state however many commits land
 * while it runs, and each sweep's runs and curves as its {@code sweeps} row published them.
 * Driver-only.
 */
public final class Tables {
  public static final List<String> ALL =
      List.of(
          Warehouse.RUNS,
          Warehouse.CURVES,
          Warehouse.SWEEPS,
          Warehouse.SCALING_FITS,
          Warehouse.DOUBLE_DESCENT,
          Warehouse.COORD_CHECK,
          Warehouse.WIDTH_EXPONENTS,
          Warehouse.LR_TRANSFER);

  private Tables() {}

  /**
   * Spark setting: a time (epoch ms) that every registration of the Spark session reads the tables
   * as of ({@code report --as-of}); unset, the current snapshots.
   */
  public static final String AS_OF = "spark.sweeplab.asOfMs";

  /**
   * Registers each table that exists, at its current snapshot (or as of {@link #AS_OF} when the
   * Spark session sets it); returns their names.
   */
  public static List<String> register(SparkSession spark, Warehouse warehouse) {
    String asOf = spark.conf().contains(AS_OF) ? spark.conf().get(AS_OF) : null;
    return register(spark, warehouse, asOf == null ? null : Long.valueOf(asOf));
  }

  /**
   * Registers each table that exists at time {@code asOfMs} (null: now) as a temporary view of the
   * same name, at the snapshot current then; returns their names.
   */
  public static List<String> register(SparkSession spark, Warehouse warehouse, Long asOfMs) {
    TableStore store = TableStore.open(spark, warehouse);
    Pins pins = Pins.of(store, ALL, asOfMs);
    if (pins.snapshots().isEmpty()) {
      return List.of();
    }
    String catalog = store.sparkCatalog(spark);
    List<String> found = new ArrayList<>();
    for (String name : ALL) {
      if (!pins.snapshots().containsKey(name)) {
        continue;
      }
      String table = TableStore.sparkTable(catalog, name);
      Long id = pins.snapshots().get(name);
      Dataset<Row> rows = at(spark, table, id);
      Map<String, Long> pinned = pins.pinned().getOrDefault(name, Map.of());
      if (!pinned.isEmpty()) {
        rows = rows.where(functions.not(functions.col("sweep").isin(pinned.keySet().toArray())));
        for (Map.Entry<String, Long> p : pinned.entrySet()) {
          if (p.getValue() != Pins.NONE) {
            rows =
                rows.unionByName(
                    at(spark, table, p.getValue())
                        .where(functions.col("sweep").equalTo(p.getKey())),
                    true);
          }
        }
      }
      rows.createOrReplaceTempView(name);
      found.add(name);
    }
    return found;
  }

  /** Table {@code table} at snapshot {@code id}; null: the table has no snapshot yet (empty). */
  private static Dataset<Row> at(SparkSession spark, String table, Long id) {
    return spark.sql("SELECT * FROM " + table + (id == null ? "" : " VERSION AS OF " + id));
  }

  /**
   * Registers the tables and runs {@code query} on them: its result reflects one committed state of
   * the warehouse.
   */
  public static <T> T read(SparkSession spark, Warehouse warehouse, Supplier<T> query) {
    register(spark, warehouse);
    return query.get();
  }
}
