package dev.sweeplab.table;

import dev.sweeplab.store.Warehouse;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.Path;
import org.apache.iceberg.Table;
import org.apache.iceberg.catalog.Catalog;
import org.apache.iceberg.exceptions.NoSuchTableException;
import org.apache.spark.SparkConf;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.StructType;
import scala.Tuple2;

/**
 * A warehouse's Iceberg tables: the catalog that holds them, opened from the warehouse and the
 * catalog settings, and the same catalog as Spark sees it. Driver-only.
 *
 * <p>The catalog settings are Spark settings under {@value #PREFIX}: {@code type} ({@code hadoop},
 * the default, {@code jdbc} or {@code rest}) and any Iceberg catalog property ({@code uri}, {@code
 * jdbc.user}, ...). They come from {@code spark-submit --conf}, or as {@code -D} Java properties
 * ({@code SWEEPLAB_JAVA_OPTS}) for the commands that start no Spark.
 */
public final class TableStore {
  /** Prefix of the catalog settings. */
  public static final String PREFIX = "spark.sweeplab.catalog.";

  private static final Map<Map<String, String>, Catalog> OPEN = new ConcurrentHashMap<>();

  private final Warehouse warehouse;
  private final Configuration conf;
  private final String name;
  private final String type;
  private final Map<String, String> properties;
  private final Catalog catalog;

  private TableStore(
      Warehouse warehouse,
      Configuration conf,
      String name,
      String type,
      Map<String, String> properties) {
    this.warehouse = warehouse;
    this.conf = conf;
    this.name = name;
    this.type = type;
    this.properties = properties;
    Map<String, String> key =
        new TreeMap<>(Catalogs.properties(warehouse.root(), type, properties, conf));
    key.put("", name);
    this.catalog =
        OPEN.computeIfAbsent(
            key, k -> Catalogs.open(name, warehouse.root(), type, properties, conf));
    Migration.ifNeeded(this);
  }

  /**
   * The tables of {@code warehouse}, with the catalog settings of {@code spark}'s conf (its runtime
   * settings, which start as the application's).
   */
  public static TableStore open(SparkSession spark, Warehouse warehouse) {
    SparkConf settings = new SparkConf(false);
    scala.collection.Iterator<Tuple2<String, String>> all = spark.conf().getAll().iterator();
    while (all.hasNext()) {
      Tuple2<String, String> e = all.next();
      if (e._1().startsWith(PREFIX)) {
        settings.set(e._1(), e._2());
      }
    }
    return open(settings, spark.sparkContext().hadoopConfiguration(), warehouse);
  }

  /** The tables of {@code warehouse}, with the catalog settings of {@code settings}. */
  public static TableStore open(SparkConf settings, Configuration conf, Warehouse warehouse) {
    String type = null;
    String name = Catalogs.NAME;
    Map<String, String> properties = new LinkedHashMap<>();
    for (Tuple2<String, String> e : settings.getAllWithPrefix(PREFIX)) {
      if (e._1().equals("type")) {
        type = e._2();
      } else if (e._1().equals("name")) {
        name = e._2();
      } else {
        properties.put(e._1(), e._2());
      }
    }
    return new TableStore(warehouse, conf, name, type, properties);
  }

  public Warehouse warehouse() {
    return warehouse;
  }

  public Configuration conf() {
    return conf;
  }

  public Catalog catalog() {
    return catalog;
  }

  /** Table {@code name}, loaded fresh; empty when it was never created. */
  public Optional<Table> load(String name) {
    try {
      return Optional.of(catalog.loadTable(Catalogs.table(name)));
    } catch (NoSuchTableException e) {
      return Optional.empty();
    }
  }

  /** Table {@code name} with at least the columns of {@code schema} (see {@link IcebergTables}). */
  public Table createOrLoad(String name, StructType schema) {
    return IcebergTables.createOrLoad(catalog, name, schema);
  }

  /**
   * A directory of {@code table} for the data files one commit writes to sweep {@code sweep}'s
   * partition: {@code <location>/data/sweep=<sweep>/<commit>}. Nothing else writes there.
   */
  public static Path dataDir(Table table, String sweep, String commit) {
    return new Path(new Path(new Path(table.location(), "data"), "sweep=" + sweep), commit);
  }

  /**
   * Registers this catalog in {@code spark} and returns its Spark name: its own name ({@value
   * Catalogs#NAME} unless {@code spark.sweeplab.catalog.name} says otherwise), or, when {@code
   * spark} already has a catalog of that name with other settings and this is a Hadoop catalog, its
   * name followed by a digest of the settings (one Spark session reading two warehouses). A JDBC
   * catalog keeps its tables under its name, so there a clash is an error. Spark loads a catalog
   * once per name, so a name is never given other settings.
   */
  public String sparkCatalog(SparkSession spark) {
    Map<String, String> settings =
        Catalogs.sparkConf(name, warehouse.root(), type, properties, conf);
    settings.remove("spark.sql.defaultCatalog");
    String prefix = "spark.sql.catalog." + name;
    String registered = name;
    if (!matches(spark, settings, prefix, prefix)) {
      if (Catalogs.JDBC.equalsIgnoreCase(type)) {
        throw new IllegalStateException(
            "the Spark session already has a catalog named '"
                + name
                + "' with other settings; a JDBC catalog's tables are read under the name they"
                + " were written with: set "
                + PREFIX
                + "name to tell this warehouse's catalog apart");
      }
      registered = name + "_" + digest(settings);
    }
    String own = "spark.sql.catalog." + registered;
    for (Map.Entry<String, String> e : settings.entrySet()) {
      String key = own + e.getKey().substring(prefix.length());
      if (!spark.conf().contains(key)) {
        spark.conf().set(key, e.getValue());
      }
    }
    return registered;
  }

  /**
   * Whether the Spark session's settings under {@code prefix} are absent or equal to {@code
   * want}'s.
   */
  private static boolean matches(
      SparkSession spark, Map<String, String> want, String wantPrefix, String prefix) {
    if (!spark.conf().contains(prefix)) {
      return true;
    }
    for (Map.Entry<String, String> e : want.entrySet()) {
      String key = prefix + e.getKey().substring(wantPrefix.length());
      if (!spark.conf().contains(key) || !spark.conf().get(key).equals(e.getValue())) {
        return false;
      }
    }
    return true;
  }

  private static String digest(Map<String, String> settings) {
    try {
      byte[] d =
          java.security.MessageDigest.getInstance("SHA-256")
              .digest(
                  new TreeMap<>(settings)
                      .toString()
                      .getBytes(java.nio.charset.StandardCharsets.UTF_8));
      return HexFormat.of().formatHex(d, 0, 4);
    } catch (java.security.NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }

  /** The fully qualified Spark name of table {@code name} in catalog {@code sparkCatalog}. */
  public static String sparkTable(String sparkCatalog, String name) {
    return String.join(
        ".", List.of("`" + sparkCatalog + "`", "`" + Catalogs.NAMESPACE + "`", "`" + name + "`"));
  }
}
