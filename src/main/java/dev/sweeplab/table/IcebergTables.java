package dev.sweeplab.table;

import java.util.List;
import java.util.Map;
import org.apache.iceberg.PartitionField;
import org.apache.iceberg.PartitionSpec;
import org.apache.iceberg.Schema;
import org.apache.iceberg.Table;
import org.apache.iceberg.TableProperties;
import org.apache.iceberg.Transaction;
import org.apache.iceberg.catalog.Catalog;
import org.apache.iceberg.catalog.SupportsNamespaces;
import org.apache.iceberg.catalog.TableIdentifier;
import org.apache.iceberg.exceptions.AlreadyExistsException;
import org.apache.iceberg.mapping.MappingUtil;
import org.apache.iceberg.mapping.NameMappingParser;
import org.apache.iceberg.spark.SparkSchemaUtil;
import org.apache.parquet.schema.MessageType;
import org.apache.spark.sql.execution.datasources.parquet.ParquetToSparkSchemaConverter;
import org.apache.spark.sql.internal.SQLConf;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructField;
import org.apache.spark.sql.types.StructType;

/**
 * sweeplab's Iceberg tables: format version 2, partitioned by identity on {@value #PARTITION}, with
 * a name mapping so that Parquet files written without Iceberg field ids (the staged per-run files,
 * written with parquet-hadoop) are read by column name. Columns are added to a table by Iceberg's
 * schema evolution, so every snapshot stays readable with its own schema. Driver-only.
 */
public final class IcebergTables {
  private IcebergTables() {}

  /** The partition column: the sweep's name. */
  public static final String PARTITION = "sweep";

  /**
   * The table {@code name} of {@code catalog} with at least the columns of {@code schema}: created
   * if absent, else loaded, and columns of {@code schema} it lacks added (optional, so rows written
   * before read them as null). {@code schema} must have the {@value #PARTITION} column.
   */
  public static Table createOrLoad(Catalog catalog, String name, StructType schema) {
    Schema incoming = SparkSchemaUtil.convert(nullable(schema));
    if (incoming.findField(PARTITION) == null) {
      throw new IllegalArgumentException(
          "table " + name + " needs a '" + PARTITION + "' column; the schema has " + schema);
    }
    TableIdentifier id = Catalogs.table(name);
    if (!catalog.tableExists(id)) {
      try {
        return create(catalog, id, incoming);
      } catch (RuntimeException e) {
        // Another driver created it meanwhile: a Hadoop catalog says so as an existing table
        // when the create starts, or as a failed commit of the first metadata version. Load and
        // evolve it as below.
        if (!catalog.tableExists(id)) {
          throw e;
        }
      }
    }
    Table table = catalog.loadTable(id);
    Schema evolved = table.updateSchema().unionByNameWith(incoming).apply();
    if (!evolved.sameSchema(table.schema())) {
      Transaction t = table.newTransaction();
      t.updateSchema().unionByNameWith(incoming).commit();
      mapNames(t);
      t.commitTransaction();
    }
    return table;
  }

  /**
   * The Spark schema of Parquet files of {@code message}, with the {@value #PARTITION} column added
   * when they lack it (it is then the partition's value).
   */
  public static StructType sparkSchema(MessageType message) {
    StructType schema = new ParquetToSparkSchemaConverter(SQLConf.get()).convert(message);
    return List.of(schema.fieldNames()).contains(PARTITION)
        ? schema
        : schema.add(PARTITION, DataTypes.StringType, true);
  }

  /** {@code schema} with every top-level column nullable: a later commit may leave one unset. */
  private static StructType nullable(StructType schema) {
    StructField[] fields = schema.fields().clone();
    for (int i = 0; i < fields.length; i++) {
      StructField f = fields[i];
      fields[i] = new StructField(f.name(), f.dataType(), true, f.metadata());
    }
    return new StructType(fields);
  }

  /** The partition spec the table of {@code schema} has. */
  static PartitionSpec spec(Schema schema) {
    return PartitionSpec.builderFor(schema).identity(PARTITION).build();
  }

  /** Whether {@code table} is partitioned as sweeplab partitions: identity on the sweep only. */
  static boolean partitionedBySweep(Table table) {
    if (table.spec().fields().size() != 1) {
      return false;
    }
    PartitionField field = table.spec().fields().get(0);
    return field.transform().isIdentity()
        && PARTITION.equals(table.schema().findColumnName(field.sourceId()));
  }

  private static Table create(Catalog catalog, TableIdentifier id, Schema schema) {
    if (catalog instanceof SupportsNamespaces namespaces
        && !namespaces.namespaceExists(id.namespace())) {
      try {
        namespaces.createNamespace(id.namespace());
      } catch (AlreadyExistsException e) {
        // created meanwhile by another driver
      }
    }
    Transaction t =
        catalog.newCreateTableTransaction(
            id,
            schema,
            spec(schema),
            Map.of(
                TableProperties.FORMAT_VERSION,
                "2",
                // Iceberg's vectorized Parquet reader fails on TIMESTAMP(MILLIS) columns (runs'
                // finished_at, as the staging writes it): a ClassCastException between its Arrow
                // vectors. The row reader reads them.
                TableProperties.PARQUET_VECTORIZATION_ENABLED,
                "false",
                // Whole values, not 16-character prefixes, in the sweep's column statistics:
                // PartitionCommit checks a file's sweep against the partition it goes into.
                TableProperties.METRICS_MODE_COLUMN_CONF_PREFIX + PARTITION,
                "full"));
    mapNames(t);
    t.commitTransaction();
    return catalog.loadTable(id);
  }

  /**
   * Sets the table's name mapping from its schema as the transaction leaves it. Built from the
   * table's schema, not the incoming one: the catalog assigns the field ids when it creates the
   * table.
   */
  private static void mapNames(Transaction t) {
    t.updateProperties()
        .set(
            TableProperties.DEFAULT_NAME_MAPPING,
            NameMappingParser.toJson(MappingUtil.create(t.table().schema())))
        .commit();
  }
}
