package dev.sweeplab.engine;

import static org.junit.jupiter.api.Assertions.assertDoesNotThrow;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.sweeplab.spec.UserError;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * {@code sweeplab sql} accepts reads and refuses every statement kind that writes or configures.
 */
class ReadOnlySqlTest {
  @ParameterizedTest
  @ValueSource(
      strings = {
        "SELECT width, avg(final_test_error) FROM runs GROUP BY width",
        "  -- a comment first\n select 1",
        "WITH w AS (SELECT DISTINCT width FROM runs) SELECT * FROM w",
        "(SELECT 1) UNION ALL (SELECT 2)",
        "VALUES (1, 2)",
        "TABLE runs",
        "FROM runs SELECT run_id",
        "SELECT * FROM parquet.`/tmp/warehouse/runs` WHERE sweep = 'x'",
        "SHOW TABLES",
        "SHOW COLUMNS IN runs",
        "SHOW PARTITIONS runs",
        "SHOW FUNCTIONS",
        "SHOW CREATE TABLE runs",
        "DESCRIBE runs",
        "DESC TABLE EXTENDED runs",
        "DESCRIBE QUERY SELECT * FROM runs",
        "DESCRIBE FUNCTION avg",
        "EXPLAIN SELECT * FROM runs",
        "EXPLAIN EXTENDED WITH w AS (SELECT 1) SELECT * FROM w"
      })
  void readsAreAccepted(String statement) {
    assertDoesNotThrow(() -> ReadOnlySql.check(statement));
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        "INSERT INTO runs SELECT * FROM runs",
        "INSERT OVERWRITE TABLE runs SELECT * FROM runs",
        "INSERT OVERWRITE DIRECTORY '/tmp/out' USING parquet SELECT * FROM runs",
        "CREATE TABLE copy USING parquet AS SELECT * FROM runs",
        "CREATE TABLE t (a INT) USING parquet",
        "CREATE OR REPLACE TEMPORARY VIEW v AS SELECT 1",
        "DROP TABLE runs",
        "ALTER TABLE runs ADD COLUMNS (x INT)",
        "ALTER TABLE runs DROP PARTITION (sweep = 'quickstart')",
        "DELETE FROM runs WHERE sweep = 'quickstart'",
        "UPDATE runs SET status = 'ok'",
        "MERGE INTO runs t USING runs s ON t.run_id = s.run_id WHEN MATCHED THEN DELETE",
        "TRUNCATE TABLE runs",
        "CACHE TABLE runs",
        "CACHE TABLE c AS SELECT * FROM runs",
        "UNCACHE TABLE runs",
        "ADD JAR /tmp/evil.jar",
        "SET spark.sql.catalog.spark_catalog = org.example.Catalog",
        "SET spark.sql.warehouse.dir = /tmp/other",
        "RESET",
        "REFRESH TABLE runs",
        "MSCK REPAIR TABLE runs",
        "USE other",
        "WITH s AS (SELECT * FROM runs) INSERT INTO runs SELECT * FROM s",
        "FROM runs INSERT INTO runs SELECT *",
        "EXPLAIN INSERT INTO runs SELECT * FROM runs",
        "CREATE FUNCTION f AS 'org.example.F'",
        "LOAD DATA LOCAL INPATH '/tmp/x' INTO TABLE runs",
        "SELECT TRANSFORM(1) USING 'touch /tmp/x' AS (x)",
        "SELECT * FROM runs WHERE width IN (SELECT TRANSFORM(1) USING 'cat' AS (x))",
        "SELECT reflect('java.lang.System', 'setProperty', 'k', 'v')",
        "SELECT upper(java_method('java.lang.System', 'exit', 3))",
        "SELECT * FROM runs WHERE EXISTS (SELECT reflect('java.lang.System', 'gc'))",
        "WITH w AS (SELECT java_method('java.lang.System', 'exit', 3)) SELECT * FROM w"
      })
  void everyWriteOrSettingIsRefused(String statement) {
    UserError e = assertThrows(UserError.class, () -> ReadOnlySql.check(statement));
    assertTrue(e.getMessage().contains("read-only"), e.getMessage());
    assertTrue(e.getMessage().lines().count() == 1, "one line: " + e.getMessage());
    assertTrue(e.getMessage().contains("SELECT, WITH"), e.getMessage());
  }

  @ParameterizedTest
  @ValueSource(strings = {"SELEC width FROM runs", "SELECT * FROM runs WHERE width >", ""})
  void aSyntaxErrorIsSparksMessageWithItsPosition(String statement) {
    UserError e = assertThrows(UserError.class, () -> ReadOnlySql.check(statement));
    assertTrue(e.getMessage().startsWith("the query is not valid Spark SQL: "), e.getMessage());
    assertTrue(e.getMessage().matches("(?s).*(line \\d+, pos \\d+|position).*"), e.getMessage());
  }

  @org.junit.jupiter.api.Test
  void aQueryTooDeepForTheParserIsAUserError() {
    String deep = "SELECT " + "(".repeat(5000) + "1" + ")".repeat(5000);
    UserError e = assertThrows(UserError.class, () -> ReadOnlySql.check(deep));
    assertTrue(e.getMessage().contains("nested too deeply"), e.getMessage());
  }
}
