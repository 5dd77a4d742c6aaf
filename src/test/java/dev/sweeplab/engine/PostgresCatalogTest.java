package dev.sweeplab.engine;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.sweeplab.spec.SpecParser;
import dev.sweeplab.store.TableStore;
import dev.sweeplab.store.Warehouse;
import dev.sweeplab.testing.SparkTestBase;
import java.io.IOException;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * A sweep committed through a JDBC Iceberg catalog held by a real PostgreSQL server, which the test
 * starts on loopback from Debian's {@code postgresql} package (CI installs it) and stops: the
 * tables' pointers live in the database, not in version-hint files, and sweeplab's reads go through
 * the same catalog.
 */
class PostgresCatalogTest extends SparkTestBase {
  private static Path data;
  private static int port;
  private static Path bin;

  @BeforeAll
  static void startPostgres() throws Exception {
    bin = postgresBin();
    if (bin == null) {
      // CI installs the package: there the server must be found.
      assertFalse("true".equals(System.getenv("CI")), "PostgreSQL's server is not installed");
      Assumptions.abort("PostgreSQL's server is not installed (Debian: postgresql)");
    }
    data = Files.createTempDirectory("sweeplab-pg");
    try (ServerSocket s = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
      port = s.getLocalPort();
    }
    if (root()) {
      exec(List.of("chown", "postgres", data.toString()));
    }
    exec(
        asServer(
            bin.resolve("initdb").toString(),
            "-D",
            data.resolve("db").toString(),
            "-A",
            "trust",
            "-U",
            "sweeplab",
            "--no-sync"));
    exec(
        asServer(
            bin.resolve("pg_ctl").toString(),
            "-D",
            data.resolve("db").toString(),
            "-l",
            data.resolve("server.log").toString(),
            "-w",
            "-o",
            "-p " + port + " -k " + data + " -c listen_addresses=127.0.0.1 -c fsync=off",
            "start"));
  }

  @AfterAll
  static void stopPostgres() throws Exception {
    if (data != null) {
      exec(
          asServer(
              bin.resolve("pg_ctl").toString(),
              "-D",
              data.resolve("db").toString(),
              "-m",
              "immediate",
              "stop"));
      try (Stream<Path> all = Files.walk(data)) {
        all.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
      }
    }
  }

  @Test
  void aSweepCommitsThroughAPostgresCatalogAndReadsBack() throws Exception {
    String url = "jdbc:postgresql://127.0.0.1:" + port + "/postgres";
    Path warehouse = Files.createTempDirectory("sweeplab-pg-wh");
    spark.conf().set(TableStore.PREFIX + "type", "jdbc");
    spark.conf().set(TableStore.PREFIX + "name", "pgtest");
    spark.conf().set(TableStore.PREFIX + "uri", url);
    spark.conf().set(TableStore.PREFIX + "jdbc.user", "sweeplab");
    try {
      Warehouse wh = new Warehouse(warehouse.toString());
      SweepOutcome o =
          new SweepRunner(spark, wh)
              .run(SpecParser.parse(TablesDocSqlTest.SPEC, "readme.yaml"), false);
      assertEquals(8, o.counts().ok(), o.toString());
      Tables.register(spark, wh);
      assertRows(
          "the committed sweep, read through the catalog",
          sql(
              "SELECT (SELECT count(*) FROM runs), (SELECT count(DISTINCT run_id) FROM curves),"
                  + " (SELECT runs_ok FROM sweeps)"),
          row(8L, 8L, 8L));
      try (Stream<Path> files = Files.walk(warehouse)) {
        assertTrue(
            files.noneMatch(p -> p.getFileName().toString().equals("version-hint.text")),
            "no Hadoop catalog pointer files: the database holds the pointers");
      }
    } finally {
      for (String k : List.of("type", "name", "uri", "jdbc.user")) {
        spark.conf().unset(TableStore.PREFIX + k);
      }
    }
    List<String> tables = new ArrayList<>();
    try (Connection db = DriverManager.getConnection(url, "sweeplab", "");
        ResultSet rs =
            db.createStatement()
                .executeQuery(
                    "SELECT table_name FROM iceberg_tables WHERE catalog_name = 'pgtest'"
                        + " AND table_namespace = 'default' ORDER BY table_name")) {
      while (rs.next()) {
        tables.add(rs.getString(1));
      }
    }
    assertTrue(tables.containsAll(List.of("curves", "runs", "sweeps")), tables.toString());
  }

  /** Debian's server binaries ({@code /usr/lib/postgresql/<version>/bin}); null when absent. */
  private static Path postgresBin() throws IOException {
    Path lib = Path.of("/usr/lib/postgresql");
    if (!Files.isDirectory(lib)) {
      return null;
    }
    try (Stream<Path> versions = Files.list(lib)) {
      return versions
          .map(v -> v.resolve("bin"))
          .filter(b -> Files.isExecutable(b.resolve("initdb")))
          .max(java.util.Comparator.naturalOrder())
          .orElse(null);
    }
  }

  private static boolean root() {
    return "root".equals(System.getProperty("user.name"));
  }

  /** The command as the server's user: PostgreSQL refuses to run as root. */
  private static List<String> asServer(String... cmd) {
    List<String> out = new ArrayList<>();
    if (root()) {
      out.addAll(List.of("runuser", "-u", "postgres", "--"));
    }
    out.addAll(List.of(cmd));
    return out;
  }

  private static void exec(List<String> cmd) throws Exception {
    Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
    String out = new String(p.getInputStream().readAllBytes());
    assertTrue(p.waitFor(120, TimeUnit.SECONDS), cmd + " finished");
    assertEquals(0, p.exitValue(), cmd + ": " + out);
  }
}
