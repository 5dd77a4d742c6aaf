package dev.sweeplab.store;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.Path;
import org.apache.iceberg.Schema;
import org.apache.iceberg.Table;
import org.apache.iceberg.catalog.Catalog;
import org.apache.iceberg.exceptions.NoSuchTableException;

/**
 * A warehouse's Iceberg tables: the catalog that holds them, opened from the warehouse and the
 * catalog settings, and the Spark settings that name the same catalog (the engine registers them).
 * Driver-only.
 *
 * <p>The catalog settings are Spark settings under {@value #PREFIX}: {@code type} ({@code hadoop},
 * the default, {@code jdbc} or {@code rest}), {@code name} (default {@value Catalogs#NAME}) and any
 * Iceberg catalog property ({@code uri}, {@code jdbc.user}, ...). They come from {@code
 * spark-submit --conf}, or as {@code -D} Java properties ({@code SWEEPLAB_JAVA_OPTS}) for the
 * commands that start no Spark.
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
   * The tables of {@code warehouse}, with the catalog settings among {@code settings} (keys under
   * {@value #PREFIX}; others are ignored).
   */
  public static TableStore open(
      Map<String, String> settings, Configuration conf, Warehouse warehouse) {
    String type = null;
    String name = Catalogs.NAME;
    Map<String, String> properties = new LinkedHashMap<>();
    for (Map.Entry<String, String> e : new TreeMap<>(settings).entrySet()) {
      if (!e.getKey().startsWith(PREFIX)) {
        continue;
      }
      String key = e.getKey().substring(PREFIX.length());
      if (key.equals("type")) {
        type = e.getValue();
      } else if (key.equals("name")) {
        name = e.getValue();
      } else {
        properties.put(key, e.getValue());
      }
    }
    return new TableStore(warehouse, conf, name, type, properties);
  }

  /** The tables of {@code warehouse}, with the catalog settings of the Java system properties. */
  public static TableStore open(Configuration conf, Warehouse warehouse) {
    Map<String, String> settings = new LinkedHashMap<>();
    System.getProperties().forEach((k, v) -> settings.put(k.toString(), v.toString()));
    return open(settings, conf, warehouse);
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

  /** The catalog's name: a JDBC catalog keeps its tables under it, so Spark must use it too. */
  public String name() {
    return name;
  }

  /** Whether the catalog keeps its tables under its name (a JDBC catalog). */
  public boolean namedInStorage() {
    return Catalogs.JDBC.equalsIgnoreCase(type);
  }

  /**
   * The Spark settings that make {@code spark.sql.catalog.<name>} this catalog (see {@link
   * Catalogs#sparkConf}), without the one that makes it Spark's current catalog.
   */
  public Map<String, String> sparkSettings() {
    Map<String, String> settings =
        Catalogs.sparkConf(name, warehouse.root(), type, properties, conf);
    settings.remove("spark.sql.defaultCatalog");
    return settings;
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
  public Table createOrLoad(String name, Schema schema) {
    return IcebergTables.createOrLoad(catalog, name, schema);
  }

  /**
   * A directory of {@code table} for the data files one commit writes to sweep {@code sweep}'s
   * partition: {@code <location>/data/sweep=<sweep>/<commit>}. Nothing else writes there.
   */
  public static Path dataDir(Table table, String sweep, String commit) {
    return new Path(new Path(new Path(table.location(), "data"), "sweep=" + sweep), commit);
  }
}
