package dev.sweeplab.store;

import dev.sweeplab.spec.UserError;
import java.io.IOException;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.Path;
import org.apache.iceberg.CatalogProperties;
import org.apache.iceberg.CatalogUtil;
import org.apache.iceberg.catalog.Catalog;
import org.apache.iceberg.catalog.Namespace;
import org.apache.iceberg.catalog.TableIdentifier;

/**
 * The Apache Iceberg catalog that holds sweeplab's tables, and the Spark settings that name the
 * same catalog, so that sweeplab, {@code spark-sql} and the documentation address one set of tables
 * by the same lines. Driver-only: a {@link Catalog} holds file system clients, connections and
 * caches and never travels to executors.
 *
 * <p>The catalog is a Hadoop catalog on the warehouse by default: table metadata as files next to
 * the data, committed by an atomic rename (local disks, HDFS). A JDBC catalog (a database holds
 * each table's current metadata file) or a REST catalog serves object stores, where a rename is a
 * copy and two writers could overwrite each other's commits: a Hadoop catalog on S3 is refused.
 */
public final class Catalogs {
  private Catalogs() {}

  /** Spark's name for the catalog: {@code spark.sql.catalog.sweeplab}. */
  public static final String NAME = "sweeplab";

  /** The namespace of every table, Spark's and Iceberg's default one. */
  public static final Namespace NAMESPACE = Namespace.of("default");

  public static final String HADOOP = CatalogUtil.ICEBERG_CATALOG_TYPE_HADOOP;
  public static final String JDBC = CatalogUtil.ICEBERG_CATALOG_TYPE_JDBC;
  public static final String REST = CatalogUtil.ICEBERG_CATALOG_TYPE_REST;

  /** Catalog types accepted, the default first. */
  public static final List<String> TYPES = List.of(HADOOP, JDBC, REST);

  /** URI schemes of S3, where a Hadoop catalog cannot commit safely. */
  static final List<String> S3 = List.of("s3", "s3a", "s3n");

  /** Spark's Iceberg catalog class. */
  static final String SPARK_CATALOG = "org.apache.iceberg.spark.SparkCatalog";

  /** The identifier of table {@code name} ({@code runs}, {@code curves}, ...). */
  public static TableIdentifier table(String name) {
    return TableIdentifier.of(NAMESPACE, name);
  }

  /**
   * The catalog of {@code type} (null: {@value #HADOOP}) whose tables live under {@code warehouse},
   * a Hadoop file system URI; {@code properties} are Iceberg's catalog properties ({@code uri},
   * {@code jdbc.user}, ...; for a JDBC catalog its driver must be on the class path). Bad input is
   * a {@link UserError}.
   */
  public static Catalog open(
      String warehouse, String type, Map<String, String> properties, Configuration conf) {
    return open(NAME, warehouse, type, properties, conf);
  }

  /**
   * As {@link #open(String, String, Map, Configuration)}, named {@code name}: a JDBC catalog keeps
   * its tables under its name in the database, so every reader of them must use the same name.
   */
  public static Catalog open(
      String name,
      String warehouse,
      String type,
      Map<String, String> properties,
      Configuration conf) {
    return CatalogUtil.buildIcebergCatalog(
        name, properties(warehouse, type, properties, conf), conf);
  }

  /**
   * The Spark settings that make {@code spark.sql.catalog.sweeplab} this catalog and its current
   * namespace Spark's current one, so {@code SELECT * FROM runs} needs no prefix; all are runtime
   * settings, so a running Spark session can take them ({@code spark.conf().set}) before its first
   * query of the catalog. Spark's copy of the catalog does not cache tables: a commit made outside
   * that Spark session (by {@link PartitionCommit}) is seen by the next query.
   */
  public static Map<String, String> sparkConf(
      String warehouse, String type, Map<String, String> properties, Configuration conf) {
    return sparkConf(NAME, warehouse, type, properties, conf);
  }

  /** As {@link #sparkConf(String, String, Map, Configuration)}, for the catalog {@code name}. */
  public static Map<String, String> sparkConf(
      String name,
      String warehouse,
      String type,
      Map<String, String> properties,
      Configuration conf) {
    Map<String, String> spark = new LinkedHashMap<>();
    String prefix = "spark.sql.catalog." + name;
    spark.put(prefix, SPARK_CATALOG);
    properties(warehouse, type, properties, conf).forEach((k, v) -> spark.put(prefix + "." + k, v));
    spark.put(prefix + "." + CatalogProperties.CACHE_ENABLED, "false");
    // Spark's Iceberg catalog starts in the empty namespace unless told otherwise.
    spark.put(prefix + ".default-namespace", NAMESPACE.toString());
    spark.put("spark.sql.defaultCatalog", name);
    return spark;
  }

  /** Iceberg's catalog properties: type and warehouse first, then {@code extra}, checked. */
  static Map<String, String> properties(
      String warehouse, String type, Map<String, String> extra, Configuration conf) {
    String kind = type == null ? HADOOP : type.toLowerCase(Locale.ROOT);
    if (!TYPES.contains(kind)) {
      throw UserError.badValue("catalog type", type, "must be one of " + String.join(", ", TYPES));
    }
    if (warehouse == null || warehouse.isBlank()) {
      throw UserError.badValue("catalog warehouse", warehouse, "must be a directory URI");
    }
    for (String fixed : List.of(CatalogUtil.ICEBERG_CATALOG_TYPE, "warehouse")) {
      if (extra.containsKey(fixed)) {
        throw UserError.of(
            "catalog property '"
                + fixed
                + "' is given twice, as a property and as the catalog's "
                + fixed
                + "; give it once");
      }
    }
    String uri = extra.get(CatalogProperties.URI);
    if (kind.equals(JDBC) && (uri == null || !uri.startsWith("jdbc:"))) {
      throw UserError.badValue(
          "catalog property uri",
          uri,
          "must be a JDBC URL (jdbc:postgresql://host/db, ...) for a jdbc catalog");
    }
    if (kind.equals(REST) && (uri == null || !uri.matches("(?i)https?://.+"))) {
      throw UserError.badValue(
          "catalog property uri", uri, "must be the REST catalog's http(s):// URL");
    }
    String location = kind.equals(HADOOP) ? hadoopWarehouse(warehouse, conf) : warehouse;
    Map<String, String> props = new LinkedHashMap<>();
    props.put(CatalogUtil.ICEBERG_CATALOG_TYPE, kind);
    props.put(CatalogProperties.WAREHOUSE_LOCATION, location);
    if (kind.equals(HADOOP) && !extra.containsKey(CatalogProperties.LOCK_IMPL)) {
      // Commits from several processes to one table in turn (see FileLockManager).
      props.put(CatalogProperties.LOCK_IMPL, FileLockManager.class.getName());
    }
    props.putAll(extra);
    return props;
  }

  /**
   * The warehouse of a Hadoop catalog, made absolute (a relative path would mean another directory
   * to each process that reads the Spark settings); on S3 a user error.
   */
  private static String hadoopWarehouse(String warehouse, Configuration conf) {
    Path path = new Path(warehouse);
    String scheme = path.toUri().getScheme();
    if (scheme != null && S3.contains(scheme.toLowerCase(Locale.ROOT))) {
      throw UserError.of(
          "an Iceberg Hadoop catalog cannot keep tables at '"
              + warehouse
              + "': it commits by renaming a metadata file, S3 has no atomic rename, and two"
              + " writers could overwrite each other's commits. Use a JDBC catalog (type jdbc,"
              + " property uri jdbc:postgresql://...) or a REST catalog (type rest, property uri"
              + " https://...); either keeps the tables' files at '"
              + warehouse
              + "'");
    }
    if (scheme != null) {
      return warehouse;
    }
    try {
      return path.getFileSystem(conf).makeQualified(path).toString();
    } catch (IOException e) {
      throw UserError.io("resolve the catalog warehouse", warehouse, e);
    }
  }
}
