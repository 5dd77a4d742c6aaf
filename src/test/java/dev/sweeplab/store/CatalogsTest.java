package dev.sweeplab.store;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.sweeplab.spec.UserError;
import java.util.List;
import java.util.Map;
import org.apache.hadoop.conf.Configuration;
import org.junit.jupiter.api.Test;

class CatalogsTest {
  final Configuration conf = new Configuration();

  @Test
  void aHadoopCatalogOnS3IsRefusedWithTheCatalogsThatWork() {
    for (String warehouse : List.of("s3a://bucket/warehouse", "s3://bucket/w", "S3A://bucket/w")) {
      for (String type : java.util.Arrays.asList(null, "hadoop", "HADOOP")) {
        UserError e =
            assertThrows(
                UserError.class, () -> Catalogs.open(warehouse, type, Map.of(), conf), warehouse);
        assertTrue(e.getMessage().contains("'" + warehouse + "'"), e.getMessage());
        assertTrue(e.getMessage().contains("JDBC catalog (type jdbc"), e.getMessage());
        assertTrue(e.getMessage().contains("REST catalog (type rest"), e.getMessage());
      }
    }
  }

  @Test
  void aJdbcOrRestCatalogMayKeepItsTablesOnS3() {
    Map<String, String> jdbc =
        Catalogs.properties("s3a://bucket/w", "jdbc", Map.of("uri", "jdbc:h2:mem:c"), conf);
    assertEquals(
        Map.of("type", "jdbc", "warehouse", "s3a://bucket/w", "uri", "jdbc:h2:mem:c"), jdbc);
    Map<String, String> rest =
        Catalogs.properties("s3a://bucket/w", "rest", Map.of("uri", "https://cat:8181"), conf);
    assertEquals("rest", rest.get("type"));
  }

  @Test
  void badTypesAndUrisAreUserErrors() {
    UserError type =
        assertThrows(UserError.class, () -> Catalogs.properties("/w", "hive", Map.of(), conf));
    assertEquals("catalog type must be one of hadoop, jdbc, rest, found 'hive'", type.getMessage());
    UserError jdbc =
        assertThrows(UserError.class, () -> Catalogs.properties("/w", "jdbc", Map.of(), conf));
    assertTrue(
        jdbc.getMessage().startsWith("catalog property uri must be a JDBC URL"), jdbc.getMessage());
    UserError rest =
        assertThrows(
            UserError.class,
            () -> Catalogs.properties("/w", "rest", Map.of("uri", "jdbc:x"), conf));
    assertTrue(rest.getMessage().contains("http(s)://"), rest.getMessage());
    UserError twice =
        assertThrows(
            UserError.class,
            () -> Catalogs.properties("/w", null, Map.of("warehouse", "/v"), conf));
    assertTrue(twice.getMessage().contains("'warehouse' is given twice"), twice.getMessage());
  }

  @Test
  void theSparkSettingsNameTheCatalogAndMakeItTheDefault() {
    Map<String, String> spark = Catalogs.sparkConf("/data/wh", null, Map.of(), conf);
    assertEquals(
        List.of(
            "spark.sql.catalog.sweeplab",
            "spark.sql.catalog.sweeplab.type",
            "spark.sql.catalog.sweeplab.warehouse",
            "spark.sql.catalog.sweeplab.lock-impl",
            "spark.sql.catalog.sweeplab.cache-enabled",
            "spark.sql.catalog.sweeplab.default-namespace",
            "spark.sql.defaultCatalog"),
        List.copyOf(spark.keySet()));
    assertEquals("org.apache.iceberg.spark.SparkCatalog", spark.get("spark.sql.catalog.sweeplab"));
    assertEquals("hadoop", spark.get("spark.sql.catalog.sweeplab.type"));
    // A relative or scheme-less path means the same directory to every process.
    assertEquals("file:/data/wh", spark.get("spark.sql.catalog.sweeplab.warehouse"));
    assertEquals(
        FileLockManager.class.getName(), spark.get("spark.sql.catalog.sweeplab.lock-impl"));
    assertEquals("false", spark.get("spark.sql.catalog.sweeplab.cache-enabled"));
    assertEquals("default", spark.get("spark.sql.catalog.sweeplab.default-namespace"));
    assertEquals("sweeplab", spark.get("spark.sql.defaultCatalog"));

    Map<String, String> jdbc =
        Catalogs.sparkConf(
            "s3a://b/wh", "jdbc", Map.of("uri", "jdbc:postgresql://db/iceberg"), conf);
    assertEquals("jdbc:postgresql://db/iceberg", jdbc.get("spark.sql.catalog.sweeplab.uri"));
    assertEquals("s3a://b/wh", jdbc.get("spark.sql.catalog.sweeplab.warehouse"));
    assertFalse(jdbc.containsKey("spark.sql.catalog.sweeplab.lock-impl"), "the database locks");
  }
}
