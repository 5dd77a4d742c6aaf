package dev.sweeplab.cli;

import static dev.sweeplab.cli.CliTest.cli;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A nightly sweep's history on the command line: a sweep committed twice with different results,
 * {@code history} listing both commits, {@code sql --as-of} and {@code report --as-of} reading the
 * first, {@code export} writing either, {@code maintain} expiring the first, and their bad input.
 */
class HistoryCliTest {
  @TempDir Path tmp;

  @Test
  void historyAsOfExportAndMaintainOnASweepCommittedTwice() throws Exception {
    Path warehouse = tmp.resolve("wh");
    Path reports = tmp.resolve("reports");
    Path spec = tmp.resolve("nightly.yaml");
    Files.writeString(spec, CliTest.TINY.replace("cli-tiny", "nightly"));
    assertEquals(0, CliTest.run(spec, warehouse, reports).code());
    // The second night's sweep has one more width: 6 runs instead of 4.
    Files.writeString(
        spec, CliTest.TINY.replace("cli-tiny", "nightly").replace("[4, 8]", "[4, 8, 16]"));
    assertEquals(0, CliTest.run(spec, warehouse, reports).code());

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
    CliTest.Result then =
        cli(
            "sql",
            count,
            "--as-of",
            first.group(1),
            "--warehouse",
            warehouse.toString(),
            "--master",
            "local[2]");
    assertEquals(0, then.code(), then.toString());
    assertTrue(then.out().contains("|4  |"), "as of the first commit: " + then);
    CliTest.Result reportThen =
        cli(
            "report",
            "nightly",
            "--as-of",
            first.group(1),
            "--warehouse",
            warehouse.toString(),
            "--reports",
            tmp.resolve("reports-then").toString(),
            "--master",
            "local[2]");
    assertEquals(0, reportThen.code(), reportThen.toString());
    assertEquals(
        2,
        reportThen.out().lines().filter(l -> l.matches("\\| \\d.*")).count(),
        "the first commit's two widths: " + reportThen);
    CliTest.Result before =
        cli(
            "sql",
            count,
            "--as-of",
            "2001-01-01",
            "--warehouse",
            warehouse.toString(),
            "--master",
            "local[2]");
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
        cli(
            "export",
            "nightly",
            "--to",
            export.toString(),
            "--as-of",
            first.group(1),
            "--format",
            "csv",
            "--warehouse",
            warehouse.toString(),
            "--master",
            "local[2]");
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
    CliTest.assertUserError(
        cli(
            "sql",
            count,
            "--as-of",
            first.group(1),
            "--warehouse",
            warehouse.toString(),
            "--master",
            "local[2]"),
        "--as-of",
        "expired");
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
}
