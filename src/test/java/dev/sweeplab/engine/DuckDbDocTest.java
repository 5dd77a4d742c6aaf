package dev.sweeplab.engine;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.sweeplab.spec.SpecParser;
import dev.sweeplab.spec.UserError;
import dev.sweeplab.store.Warehouse;
import dev.sweeplab.testing.DocBlocks;
import dev.sweeplab.testing.SparkTestBase;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The DuckDB query of docs/tables.md and of the README, run as written by DuckDB's own engine (its
 * JDBC driver) on an export of a committed sweep ({@link Export}): it reads every run once, and a
 * sweep named like a number reads as text. The export is also written as CSV, lists as JSON text.
 */
class DuckDbDocTest extends SparkTestBase {
  @TempDir Path tmp;

  @Test
  void theDocumentedQueryReadsTheExportedRunsOnce() throws Exception {
    Warehouse warehouse = new Warehouse(tmp.resolve("wh").toString());
    for (String name : List.of("readme", "2026")) {
      SweepOutcome o =
          new SweepRunner(spark, warehouse)
              .run(
                  SpecParser.parse(
                      TablesDocSqlTest.SPEC.replace("name: readme", "name: \"" + name + "\""),
                      name + ".yaml"),
                  false);
      assertEquals(8, o.counts().ok(), o.toString());
    }
    // The sweep re-run: its earlier files stay in the table's older snapshot, not in the export.
    new SweepRunner(spark, warehouse)
        .run(SpecParser.parse(TablesDocSqlTest.SPEC, "readme.yaml"), false);
    Path export = tmp.resolve("export");
    Map<String, Long> rows =
        Export.write(spark, warehouse, "readme", export.toString(), Export.Format.PARQUET);
    assertEquals(8L, rows.get(Warehouse.RUNS), rows.toString());
    assertEquals(24L, rows.get(Warehouse.CURVES), rows.toString());
    assertEquals(2L, rows.get(Warehouse.SWEEPS), "two executions: " + rows);
    Map<String, Long> other =
        Export.write(
            spark, warehouse, "2026", tmp.resolve("e2026").toString(), Export.Format.PARQUET);
    assertEquals(8L, other.get(Warehouse.RUNS), other.toString());

    for (Path file : List.of(Path.of("docs/tables.md"), Path.of("README.md"))) {
      String heading = file.startsWith("docs") ? "## DuckDB, pandas, pyarrow" : "## Querying";
      List<String> statements =
          DocBlocks.statements(DocBlocks.blocks(file, heading, "sql")).stream()
              .filter(s -> s.contains("read_parquet("))
              .toList();
      assertEquals(1, statements.size(), file + ": one DuckDB query: " + statements);
      String sql =
          statements
              .get(0)
              .replace("/path/to/export", export.toString())
              .replace("'quickstart'", "'readme'");
      try (Connection duck = DriverManager.getConnection("jdbc:duckdb:");
          Statement st = duck.createStatement()) {
        List<String> got = new ArrayList<>();
        try (ResultSet rs = st.executeQuery(sql)) {
          while (rs.next()) {
            got.add(rs.getInt(1) + "," + rs.getInt(2) + "," + rs.getLong(4));
          }
        }
        assertEquals(
            List.of("4,64,2", "4,128,2", "8,64,2", "8,128,2"),
            got,
            file + ": (width, train_size, seeds) of the committed runs, each once");
        try (ResultSet rs =
            st.executeQuery(
                "SELECT sweep, typeof(sweep), count(*) FROM read_parquet('"
                    + tmp.resolve("e2026")
                    + "/runs/*.parquet') GROUP BY sweep")) {
          assertTrue(rs.next());
          assertEquals(
              "2026:VARCHAR:8", rs.getString(1) + ":" + rs.getString(2) + ":" + rs.getLong(3));
        }
      }
    }

    Path csv = tmp.resolve("csv");
    Export.write(spark, warehouse, "readme", csv.toString(), Export.Format.CSV);
    try (Connection duck = DriverManager.getConnection("jdbc:duckdb:");
        Statement st = duck.createStatement();
        ResultSet rs =
            st.executeQuery(
                "SELECT count(*), count(DISTINCT run_id) FROM read_csv_auto('"
                    + csv
                    + "/curves/*.csv')")) {
      assertTrue(rs.next());
      assertEquals(24L, rs.getLong(1));
      assertEquals(8L, rs.getLong(2));
    }
    UserError notEmpty =
        assertThrows(
            UserError.class,
            () -> Export.write(spark, warehouse, "readme", csv.toString(), Export.Format.CSV));
    assertTrue(notEmpty.getMessage().contains("not empty"), notEmpty.getMessage());
  }
}
