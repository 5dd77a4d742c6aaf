package dev.sweeplab.store;

import java.util.ArrayList;
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
import org.apache.iceberg.parquet.ParquetSchemaUtil;
import org.apache.iceberg.shaded.org.apache.parquet.schema.MessageTypeParser;
import org.apache.iceberg.types.Types;
import org.apache.parquet.schema.MessageType;

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
   * The table {@code name} of {@code catalog} with at least the columns of {@code schema} and the
   * {@value #PARTITION} column: created if absent, else loaded, and the columns it lacks added.
   * Every top-level column is optional, so rows written before a column existed, or by a commit
   * that leaves it unset, read null there.
   */
  public static Table createOrLoad(Catalog catalog, String name, Schema schema) {
    Schema incoming = withPartition(schema);
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
   * The Iceberg schema of Parquet files of {@code message} (written without Iceberg field ids, as
   * parquet-hadoop and Spark write them), by Iceberg's own conversion: the message is handed over
   * as text to the Parquet that Iceberg's Spark runtime relocates.
   */
  public static Schema schema(MessageType message) {
    return ParquetSchemaUtil.convert(MessageTypeParser.parseMessageType(message.toString()));
  }

  /** {@code schema} with every top-level column optional and the partition column added. */
  private static Schema withPartition(Schema schema) {
    List<Types.NestedField> columns = new ArrayList<>();
    for (Types.NestedField f : schema.columns()) {
      columns.add(f.asOptional());
    }
    if (schema.findField(PARTITION) == null) {
      columns.add(
          Types.NestedField.optional(
              schema.highestFieldId() + 1, PARTITION, Types.StringType.get()));
    }
    return new Schema(columns);
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
