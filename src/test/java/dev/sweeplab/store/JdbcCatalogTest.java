package dev.sweeplab.store;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.sweeplab.testing.SparkTestBase;
import java.io.IOException;
import java.util.List;
import java.util.Map;
import org.apache.hadoop.conf.Configuration;
import org.apache.iceberg.Table;
import org.apache.iceberg.catalog.Catalog;
import org.apache.iceberg.spark.SparkSchemaUtil;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A JDBC catalog (an embedded H2 database standing in for PostgreSQL): what an object-store
 * warehouse uses instead of a Hadoop catalog. A second catalog and Spark, both opened on the same
 * database, see a commit.
 */
class JdbcCatalogTest extends SparkTestBase {
  @TempDir java.nio.file.Path tmp;

  @Test
  void aCommitThroughOneJdbcCatalogIsSeenByAnotherAndBySpark() throws IOException {
    Configuration conf = spark.sparkContext().hadoopConfiguration();
    String warehouse = tmp.resolve("warehouse").toString();
    Map<String, String> props = Map.of("uri", "jdbc:h2:file:" + tmp.resolve("catalog"));
    // Named apart from the sweeplab catalog other tests of this JVM's Spark session register: a
    // JDBC catalog's readers use the name it was written with.
    Catalog writer = Catalogs.open("jdbctest", warehouse, "jdbc", props, conf);
    Table table =
        IcebergTables.createOrLoad(
            writer, "runs", SparkSchemaUtil.convert(PartitionCommitTest.FIRST));
    String file =
        RunFiles.write(
            conf,
            tmp.resolve("staging/r1.parquet"),
            RunFiles.FIRST,
            row("s", "r1", 4, 0.5),
            row("s", "r2", 8, 0.25));
    long snapshot = PartitionCommit.replace(table, "s", List.of(file), Map.of());

    Catalog reader = Catalogs.open("jdbctest", warehouse, "jdbc", props, conf);
    assertEquals(snapshot, reader.loadTable(Catalogs.table("runs")).currentSnapshot().snapshotId());
    Catalogs.sparkConf("jdbctest", warehouse, "jdbc", props, conf)
        .forEach(
            (k, v) -> {
              if (!k.equals("spark.sql.defaultCatalog")) {
                spark.conf().set(k, v);
              }
            });
    assertRows(
        "through Spark",
        sql(
            "SELECT run_id, width FROM jdbctest.default.runs VERSION AS OF %d ORDER BY run_id",
            snapshot),
        row("r1", 4),
        row("r2", 8));
  }
}
