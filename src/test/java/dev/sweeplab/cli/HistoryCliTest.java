package dev.sweeplab.cli;

import static dev.sweeplab.cli.CliTest.cli;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.sweeplab.store.TableStore;
import dev.sweeplab.store.Warehouse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.apache.hadoop.conf.Configuration;
import org.apache.iceberg.Table;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A nightly sweep's history on the command line: a sweep committed twice with different results,
 * {@code history} listing both commits, {@code sql --as-of}, {@code report --as-of} and {@code
 * analyze --as-of} reading the first, {@code export} writing either, {@code maintain} expiring the
 * first, and their bad input.
 */
class HistoryCliTest {
  @TempDir Path tmp;

  @Test
  void historyAsOfExportAndMaintainOnASweepCommittedTwice() throws Exception {
    Path warehouse = tmp.resolve("wh");
    Path reports = tmp.resolve("reports");
    Path spec = tmp.resolve("nightly.yaml");
    String nightly =
        CliTest.TINY.replace("cli-tiny", "nightly") + "analysis: {coord_check: 'yes'}\n";
    Files.writeString(spec, nightly);
    CliTest.Result firstNight = CliTest.run(spec, warehouse, reports);
    assertEquals(0, firstNight.code(), firstNight.toString());
    String firstCoordCheck = coordCheckLine(firstNight);
    // The second night's sweep has one more width: 6 runs instead of 4.
    Files.writeString(spec, nightly.replace("[4, 8]", "[4, 8, 16]"));
    CliTest.assertOnlyUserError(
        cli("run", spec.toString(), "--warehouse", warehouse.toString(), "--maintain", "a while"),
        "--maintain",
        "30d");
    // The second night maintains the tables after its sweep, as the nightly deploy files do.
    CliTest.Result secondNight = CliTest.run(spec, warehouse, reports, "--maintain");
    assertEquals(0, secondNight.code(), secondNight.toString());
    assertTrue(
        secondNight.out().lines().anyMatch(l -> l.startsWith("maintain runs: 0 snapshots expired")),
        "run --maintain keeps the 30 days' snapshots: " + secondNight);
    assertNotEquals(
        firstCoordCheck,
        coordCheckLine(secondNight),
        "a third width adds coordinate-check rows: " + secondNight);

    CliTest.Result history = cli("history", "nightly", "--warehouse", warehouse.toString());
    assertEquals(0, history.code(), history.toString());
    List<String> rows = history.out().lines().filter(l -> l.matches("\\| \\d{4}-.*")).toList();
    assertEquals(2, rows.size(), history.toString());
    Matcher first =
        Pattern.compile("\\| [^|]+ \\| (\\d+) \\| 4 \\| 4 \\| 0 \\| 0 \\| 0 \\| 4 \\| 0 \\|")
            .matcher(rows.get(0));
    assertTrue(first.find(), "first commit: 4 planned, 4 ok, 4 added: " + rows.get(0));
    assertTrue(
        rows.get(1).matches(".*\\| 6 \\| 6 \\| 0 \\| 0 \\| 0 \\| 6 \\| 4 \\|$"),
        "second commit: 6 added, 4 replaced: " + rows.get(1));

    String count = "SELECT count(*) AS n FROM runs WHERE sweep = 'nightly'";
    CliTest.Result now = CliTest.sql(warehouse.toString(), count);
    assertTrue(now.out().contains("|6  |"), now.toString());
    CliTest.Result then = asOf(first.group(1), warehouse, "sql", count);
    assertEquals(0, then.code(), then.toString());
    assertTrue(then.out().contains("|4  |"), "as of the first commit: " + then);
    CliTest.Result reportThen =
        asOf(
            first.group(1),
            warehouse,
            "report",
            "nightly",
            "--reports",
            tmp.resolve("reports-then").toString());
    assertEquals(0, reportThen.code(), reportThen.toString());
    assertEquals(
        2,
        reportThen.out().lines().filter(l -> l.matches("\\| \\d.*")).count(),
        "the first commit's two widths: " + reportThen);
    // analyze --as-of: the first night's analysis again, printed; the table keeps today's.
    Table coordCheck = store(warehouse).load("coord_check").orElseThrow();
    long snapshotsBefore = count(coordCheck.snapshots());
    CliTest.Result analyzedThen = asOf(first.group(1), warehouse, "analyze", "nightly");
    assertEquals(0, analyzedThen.code(), analyzedThen.toString());
    assertTrue(
        analyzedThen.out().lines().anyMatch(l -> l.equals(firstCoordCheck)),
        "as of the first commit, its coordinate check (" + firstCoordCheck + "): " + analyzedThen);
    assertTrue(analyzedThen.out().contains("nothing written"), analyzedThen.toString());
    coordCheck.refresh();
    assertEquals(snapshotsBefore, count(coordCheck.snapshots()), "analyze --as-of writes nothing");

    CliTest.Result before = asOf("2001-01-01", warehouse, "sql", count);
    CliTest.assertUserError(before, "no tables", "--as-of");
    CliTest.assertUserError(
        cli("sql", count, "--as-of", "yesterday", "--warehouse", warehouse.toString()),
        "--as-of",
        "yesterday",
        "snapshot id");
    CliTest.assertOnlyUserError(
        cli("history", "nosuch", "--warehouse", warehouse.toString()), "nosuch", "no commit");

    Path export = tmp.resolve("export");
    CliTest.Result exported =
        asOf(
            first.group(1),
            warehouse,
            "export",
            "nightly",
            "--to",
            export.toString(),
            "--format",
            "csv");
    assertEquals(0, exported.code(), exported.toString());
    assertTrue(exported.out().contains("runs: 4 rows"), exported.toString());
    try (var files = Files.list(export.resolve("runs"))) {
      Path csv = files.filter(f -> f.toString().endsWith(".csv")).findFirst().orElseThrow();
      assertEquals(5, Files.readAllLines(csv).size(), "a header and 4 runs");
    }
    CliTest.assertUserError(
        cli(
            "export",
            "nightly",
            "--to",
            tmp.resolve("x").toString(),
            "--format",
            "xlsx",
            "--warehouse",
            warehouse.toString()),
        "--format",
        "parquet or csv");

    CliTest.Result maintained =
        cli(
            "maintain",
            "--retain",
            "0s",
            "--warehouse",
            warehouse.toString(),
            "--master",
            "local[2]");
    assertEquals(0, maintained.code(), maintained.toString());
    assertTrue(
        maintained
            .out()
            .lines()
            .anyMatch(l -> l.startsWith("runs: ") && !l.startsWith("runs: 0 snapshots")),
        "the first commit's runs snapshot expired: " + maintained);
    CliTest.assertUserError(asOf(first.group(1), warehouse, "sql", count), "--as-of", "expired");
    CliTest.Result after = CliTest.sql(warehouse.toString(), count);
    assertTrue(after.out().contains("|6  |"), "the current state is kept: " + after);
    CliTest.assertUserError(
        cli("maintain", "--retain", "a while", "--warehouse", warehouse.toString()),
        "--retain",
        "30d");
    CliTest.Result migrated = cli("migrate", "--warehouse", warehouse.toString());
    assertEquals(0, migrated.code(), migrated.toString());
    assertTrue(migrated.out().contains("every table is an Iceberg table"), migrated.toString());
  }

  /** {@code command} with {@code --as-of value} on {@code warehouse}, Spark in-process. */
  private static CliTest.Result asOf(String value, Path warehouse, String... command) {
    List<String> args = new java.util.ArrayList<>(List.of(command));
    args.addAll(
        List.of("--as-of", value, "--warehouse", warehouse.toString(), "--master", "local[2]"));
    return cli(args.toArray(String[]::new));
  }

  /** The "coord_check: N rows" line a command printed, without "wrote ". */
  private static String coordCheckLine(CliTest.Result result) {
    return result
        .out()
        .lines()
        .map(l -> l.replaceFirst("^wrote ", ""))
        .filter(l -> l.matches("coord_check: \\d+ rows"))
        .findFirst()
        .orElseThrow(() -> new AssertionError("no coord_check line: " + result));
  }

  private static TableStore store(Path warehouse) {
    return TableStore.open(new Configuration(), new Warehouse(warehouse.toString()));
  }

  private static long count(Iterable<?> items) {
    long n = 0;
    for (Object ignored : items) {
      n++;
    }
    return n;
  }
}
