package dev.sweeplab.engine;

import dev.sweeplab.spec.UserError;
import dev.sweeplab.store.Warehouse;
import java.io.IOException;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.functions;
import org.apache.spark.sql.types.ArrayType;
import org.apache.spark.sql.types.MapType;
import org.apache.spark.sql.types.StructField;
import org.apache.spark.sql.types.StructType;

/**
 * A sweep's rows of every table written as plain files, {@code <dir>/<table>/}, from one committed
 * state: for readers that do not read Iceberg (pandas, DuckDB without its Iceberg extension, a
 * spreadsheet). Driver-side; Spark writes the files.
 */
public final class Export {
  private Export() {}

  /** The file format of an export. */
  public enum Format {
    PARQUET,
    CSV;

    /** {@code parquet} or {@code csv}; anything else is a user error. */
    public static Format parse(String value) {
      try {
        return valueOf(value.toUpperCase(Locale.ROOT));
      } catch (IllegalArgumentException e) {
        throw UserError.badValue("--format", value, "must be parquet or csv");
      }
    }
  }

  /**
   * Writes sweep {@code sweep}'s rows of each table (as of {@link Tables#AS_OF} when {@code spark}
   * sets it) under {@code dir}, which must not exist or be empty; returns the rows written per
   * table (tables where the sweep has none are left out of {@code dir}).
   */
  public static Map<String, Long> write(
      SparkSession spark, Warehouse warehouse, String sweep, String dir, Format format) {
    Path out = new Path(dir);
    try {
      FileSystem fs = out.getFileSystem(spark.sparkContext().hadoopConfiguration());
      if (fs.exists(out) && fs.listStatus(out).length > 0) {
        throw UserError.of(
            "--to '" + dir + "' is not empty; give a new directory (nothing was written)");
      }
    } catch (IOException e) {
      throw UserError.io("look at", dir, e);
    }
    Map<String, Long> rows = new LinkedHashMap<>();
    for (String table : Tables.register(spark, warehouse)) {
      Dataset<Row> part = spark.table(table).where(functions.col("sweep").equalTo(sweep)).cache();
      try {
        long n = part.count();
        if (n > 0) {
          Dataset<Row> written = format == Format.CSV ? flat(part) : part;
          var writer = written.coalesce(1).write();
          String target = new Path(out, table).toString();
          if (format == Format.CSV) {
            writer.option("header", "true").csv(target);
          } else {
            writer.parquet(target);
          }
        }
        rows.put(table, n);
      } finally {
        part.unpersist();
      }
    }
    return rows;
  }

  /** {@code rows} with every list, map or struct column as JSON text, which CSV can hold. */
  private static Dataset<Row> flat(Dataset<Row> rows) {
    StructType schema = rows.schema();
    Column[] cols = new Column[schema.fields().length];
    for (int i = 0; i < cols.length; i++) {
      StructField f = schema.fields()[i];
      Column c = functions.col("`" + f.name() + "`");
      boolean nested =
          f.dataType() instanceof ArrayType
              || f.dataType() instanceof MapType
              || f.dataType() instanceof StructType;
      cols[i] = nested ? functions.to_json(c).as(f.name()) : c;
    }
    return rows.select(cols);
  }
}
