package dev.sweeplab.engine;

import dev.sweeplab.store.Catalogs;
import dev.sweeplab.store.Pins;
import dev.sweeplab.store.TableStore;
import dev.sweeplab.store.Warehouse;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.Supplier;
import java.util.stream.Stream;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.functions;

/**
 * The warehouse's Iceberg tables as a Spark session sees them: the catalog opened with its settings
 * and registered in it, and each table registered as a temporary view of the same name, pinned to
 * one snapshot ({@link Pins}), so a query sees one committed state however many commits land while
 * it runs, and each sweep's runs and curves as its {@code sweeps} row published them. Driver-only.
 */
public final class Tables {
  /** The tables the analyses write, a sweep's partition each. */
  public static final List<String> ANALYSES =
      List.of(
          Warehouse.SCALING_FITS,
          Warehouse.DOUBLE_DESCENT,
          Warehouse.COORD_CHECK,
          Warehouse.WIDTH_EXPONENTS,
          Warehouse.LR_TRANSFER);

  /** Every table: {@code runs}, {@code curves}, {@code sweeps}, then {@link #ANALYSES}. */
  public static final List<String> ALL =
      Stream.concat(
              Stream.of(Warehouse.RUNS, Warehouse.CURVES, Warehouse.SWEEPS), ANALYSES.stream())
          .toList();

  /**
   * Spark setting: a time (epoch ms) as of which every registration of the Spark session reads the
   * tables ({@code --as-of}); unset, the current snapshots.
   */
  public static final String AS_OF = "spark.sweeplab.asOfMs";

  private Tables() {}

  /** Whether {@code spark} reads the tables as of an earlier time ({@link #AS_OF} is set). */
  public static boolean readsEarlierState(SparkSession spark) {
    return spark.conf().contains(AS_OF);
  }

  /**
   * The tables of {@code warehouse}, with the catalog settings of {@code spark}'s conf (its runtime
   * settings, which start as the application's).
   */
  public static TableStore store(SparkSession spark, Warehouse warehouse) {
    return TableStore.open(
        scala.collection.JavaConverters.mapAsJavaMap(spark.conf().getAll()),
        spark.sparkContext().hadoopConfiguration(),
        warehouse);
  }

  /**
   * Registers each table that exists as a temporary view of the same name, at its current snapshot
   * or, when the Spark session sets {@link #AS_OF}, at the snapshot current then; returns their
   * names.
   */
  public static List<String> register(SparkSession spark, Warehouse warehouse) {
    return register(spark, warehouse, ALL);
  }

  /**
   * As {@link #register(SparkSession, Warehouse)}, for the tables {@code names} only: a query that
   * reads one table does not pay Spark's analysis of every other (the report's summary reads {@code
   * runs} alone). The views read the same pinned state the full registration gives them.
   */
  public static List<String> register(
      SparkSession spark, Warehouse warehouse, Collection<String> names) {
    Pins pins = pins(spark, warehouse);
    if (pins.snapshots().isEmpty()) {
      return List.of();
    }
    String catalog = sparkCatalog(spark, store(spark, warehouse));
    List<String> found = new ArrayList<>();
    for (String name : ALL) {
      if (!names.contains(name) || !pins.snapshots().containsKey(name)) {
        continue;
      }
      String table = sparkTable(catalog, name);
      Dataset<Row> rows = at(spark, table, pins.snapshots().get(name));
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

  /** The snapshots that {@link #register} reads, current or {@link #AS_OF}'s. */
  static Pins pins(SparkSession spark, Warehouse warehouse) {
    return pins(spark, store(spark, warehouse));
  }

  /** The snapshots of {@code store}'s tables that {@code spark}'s registrations read. */
  static Pins pins(SparkSession spark, TableStore store) {
    String asOf = readsEarlierState(spark) ? spark.conf().get(AS_OF) : null;
    return Pins.of(store, ALL, asOf == null ? null : Long.valueOf(asOf));
  }

  /**
   * Registers the tables {@code names} and runs {@code query} on them: its result reflects one
   * committed state of the warehouse.
   */
  public static <T> T read(
      SparkSession spark, Warehouse warehouse, Collection<String> names, Supplier<T> query) {
    register(spark, warehouse, names);
    return query.get();
  }

  /** Table {@code table} at snapshot {@code id}; null: the table has no snapshot yet (empty). */
  private static Dataset<Row> at(SparkSession spark, String table, Long id) {
    return spark.sql("SELECT * FROM " + table + (id == null ? "" : " VERSION AS OF " + id));
  }

  /**
   * Registers {@code store}'s catalog in {@code spark} and returns its Spark name: the catalog's
   * own name or, when {@code spark} already has a catalog of that name with other settings and the
   * catalog does not keep its tables under its name, that name followed by a digest of the settings
   * (one Spark session reading two warehouses). A JDBC catalog keeps its tables under its name, so
   * there a clash is an error. Spark loads a catalog once per name, so a name is never given other
   * settings.
   */
  public static String sparkCatalog(SparkSession spark, TableStore store) {
    Map<String, String> settings = store.sparkSettings();
    String prefix = "spark.sql.catalog." + store.name();
    String registered = store.name();
    boolean clash =
        spark.conf().contains(prefix)
            && settings.entrySet().stream()
                .anyMatch(
                    e ->
                        !spark.conf().contains(e.getKey())
                            || !spark.conf().get(e.getKey()).equals(e.getValue()));
    if (clash) {
      if (store.namedInStorage()) {
        throw new IllegalStateException(
            "the Spark session already has a catalog named '"
                + store.name()
                + "' with other settings; a JDBC catalog's tables are read under the name they"
                + " were written with: set "
                + TableStore.PREFIX
                + "name to tell this warehouse's catalog apart");
      }
      registered = store.name() + "_" + digest(settings);
    }
    for (Map.Entry<String, String> e : settings.entrySet()) {
      String key = "spark.sql.catalog." + registered + e.getKey().substring(prefix.length());
      if (!spark.conf().contains(key)) {
        spark.conf().set(key, e.getValue());
      }
    }
    return registered;
  }

  /** The fully qualified Spark name of table {@code name} in catalog {@code catalog}. */
  public static String sparkTable(String catalog, String name) {
    return "`" + catalog + "`.`" + Catalogs.NAMESPACE + "`.`" + name + "`";
  }

  private static String digest(Map<String, String> settings) {
    try {
      byte[] d =
          MessageDigest.getInstance("SHA-256")
              .digest(new TreeMap<>(settings).toString().getBytes(StandardCharsets.UTF_8));
      return HexFormat.of().formatHex(d, 0, 4);
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }
}
