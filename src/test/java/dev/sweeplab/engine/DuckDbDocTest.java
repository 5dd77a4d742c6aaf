package dev.sweeplab.engine;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.sweeplab.spec.SpecParser;
import dev.sweeplab.store.Warehouse;
import dev.sweeplab.testing.DocBlocks;
import dev.sweeplab.testing.SparkTestBase;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The DuckDB query of docs/tables.md and of the README, run as written by DuckDB's own engine (its
 * JDBC driver) on a committed warehouse: it reads every run once, leaves out the {@code _}-prefixed
 * work directories (a copy of the partition planted in {@code _trash} and {@code _pending} would
 * double the counts) and reads a sweep named like a number as text.
 */
class DuckDbDocTest extends SparkTestBase {
  @TempDir Path tmp;

  @Test
  void theDocumentedQueryReadsTheCommittedRunsOnce() throws Exception {
    Path wh = tmp.resolve("wh");
    Warehouse warehouse = new Warehouse(wh.toString());
    for (String name : List.of("readme", "2026")) {
      SweepOutcome o =
          new SweepRunner(spark, warehouse)
              .run(
                  SpecParser.parse(
                      TablesDocSqlTest.SPEC.replace("name: readme", "name: \"" + name + "\""),
                      name + ".yaml"),
                  false);
      assertEquals(8, o.ok(), o.toString());
    }
    plantCopies(wh.resolve("runs"), "_trash", "_pending");

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
              .replace("/path/to/warehouse", wh.toString())
              .replace("'quickstart'", "'readme'");
      try (Connection duck = DriverManager.getConnection("jdbc:duckdb:");
          Statement st = duck.createStatement()) {
        List<String> rows = new ArrayList<>();
        try (ResultSet rs = st.executeQuery(sql)) {
          while (rs.next()) {
            rows.add(rs.getInt(1) + "," + rs.getInt(2) + "," + rs.getLong(4));
          }
        }
        assertEquals(
            List.of("4,64,2", "4,128,2", "8,64,2", "8,128,2"),
            rows,
            file + ": (width, train_size, seeds) of the committed runs, each once");

        Matcher from =
            Pattern.compile("FROM (read_parquet\\(.*?\\))\\s*\\n", Pattern.DOTALL).matcher(sql);
        assertTrue(from.find(), sql);
        try (ResultSet rs =
            st.executeQuery(
                "SELECT sweep, typeof(sweep), count(*) FROM "
                    + from.group(1)
                    + " GROUP BY sweep ORDER BY sweep")) {
          List<String> sweeps = new ArrayList<>();
          while (rs.next()) {
            sweeps.add(rs.getString(1) + ":" + rs.getString(2) + ":" + rs.getLong(3));
          }
          assertEquals(List.of("2026:VARCHAR:8", "readme:VARCHAR:8"), sweeps, file.toString());
        }
      }
    }
  }

  /**
   * Copies every committed partition of {@code table} under each work directory in {@code dirs}.
   */
  static void plantCopies(Path table, String... dirs) throws Exception {
    List<Path> files;
    try (Stream<Path> walk = Files.walk(table)) {
      files =
          walk.filter(p -> p.toString().endsWith(".parquet"))
              .filter(p -> table.relativize(p).getName(0).toString().startsWith("sweep="))
              .toList();
    }
    assertTrue(files.size() >= 2, "committed files: " + files);
    for (String dir : dirs) {
      for (Path f : files) {
        Path copy = table.resolve(dir).resolve(table.relativize(f));
        Files.createDirectories(copy.getParent());
        Files.copy(f, copy);
      }
    }
  }
}
