package dev.sweeplab.cli;

import dev.sweeplab.analysis.LawFit;
import dev.sweeplab.analysis.ScalingAnalysis;
import dev.sweeplab.analysis.SeedPoint;
import dev.sweeplab.engine.Sessions;
import dev.sweeplab.spec.CanonicalJson;
import dev.sweeplab.spec.SpecKeys;
import dev.sweeplab.spec.UserError;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code sweeplab fit}: fits E + A·x^−α (or Hoffmann's L(N, D) with {@code --x2}) to any table, so
 * results from elsewhere can be compared. Rows with equal x (and x2) are seeds of one point: the
 * fit is on their means and the intervals bootstrap over them.
 */
@Command(
    name = "fit",
    description = "Fit a scaling law with a floor to a CSV or Parquet table of your own.")
final class FitCommand implements Callable<Integer> {
  @Option(names = "--input", required = true, description = "CSV (with a header) or Parquet file")
  Path input;

  @Option(names = "--y", required = true, description = "column to fit (e.g. loss)")
  String y;

  @Option(names = "--x", required = true, description = "column of the scale (e.g. params)")
  String x;

  @Option(names = "--x2", description = "second scale for L(N, D) = E + A/N^alpha + B/D^beta")
  String x2;

  @Option(
      names = "--bootstrap",
      defaultValue = "200",
      description =
          "bootstrap replicates, as analysis.bootstrap: 0 (no interval) or >= 200 (default"
              + " ${DEFAULT-VALUE})")
  int bootstrap;

  @Option(names = "--json", description = "print one JSON object keyed by parameter name")
  boolean json;

  @Option(names = "--master", description = "Spark master (default local[*])")
  String master;

  @Override
  public Integer call() throws IOException {
    if (!SpecKeys.BOOTSTRAP.rule().test().test(bootstrap)) {
      throw UserError.badValue("--bootstrap", bootstrap, SpecKeys.BOOTSTRAP.rule().text());
    }
    Sessions.checkMaster(master);
    if (!Files.isRegularFile(input)) {
      throw UserError.of("--input '" + input + "' is not a file");
    }
    if (Files.size(input) == 0) {
      throw UserError.of(
          "--input '"
              + input
              + "' holds no table: the file is empty (0 bytes). Give a CSV with a"
              + " header row or a Parquet file");
    }
    boolean joint = x2 != null;
    List<SeedPoint> points;
    try (SparkSession spark = Sessions.open("sweeplab fit", master)) {
      points = read(spark);
    }
    if (points.size() < (joint ? 6 : 4)) {
      throw UserError.of(
          "--input has "
              + points.size()
              + " distinct points; the fit needs at least "
              + (joint ? 6 : 4));
    }
    ScalingAnalysis.Result r = ScalingAnalysis.analyse(points, joint, bootstrap, 0);
    print(r, joint);
    return 0;
  }

  private List<SeedPoint> read(SparkSession spark) {
    String name = input.toString();
    Dataset<Row> table =
        name.endsWith(".parquet") || Files.isDirectory(input)
            ? spark.read().parquet(name)
            : spark.read().option("header", "true").option("inferSchema", "true").csv(name);
    List<String> columns = Arrays.asList(table.columns());
    for (String c : joint() ? List.of(x, x2, y) : List.of(x, y)) {
      if (!columns.contains(c)) {
        throw UserError.of(
            "--input has no column '" + c + "'; it has: " + String.join(", ", columns));
      }
    }
    Map<List<Double>, List<Double>> byPoint = new LinkedHashMap<>();
    String select = joint() ? "`" + x + "`, `" + x2 + "`, `" + y + "`" : "`" + x + "`, `" + y + "`";
    for (Row row : table.selectExpr(select.split(", ")).collectAsList()) {
      double[] v = new double[row.length()];
      for (int i = 0; i < v.length; i++) {
        if (row.isNullAt(i) || !(row.get(i) instanceof Number n)) {
          throw UserError.of("--input row " + row + " has a missing or non-numeric value");
        }
        v[i] = n.doubleValue();
      }
      double value = v[v.length - 1];
      if (!(value > 0) || !(v[0] > 0) || (joint() && !(v[1] > 0))) {
        throw UserError.of("--input row " + row + ": a log-space fit needs values > 0");
      }
      byPoint
          .computeIfAbsent(List.of(v[0], joint() ? v[1] : Double.NaN), k -> new ArrayList<>())
          .add(value);
    }
    List<SeedPoint> points = new ArrayList<>();
    byPoint.forEach((k, v) -> points.add(new SeedPoint(k.get(0), k.get(1), v)));
    return points;
  }

  private boolean joint() {
    return x2 != null;
  }

  private void print(ScalingAnalysis.Result r, boolean joint) {
    LawFit f = r.fit();
    List<String> names = ScalingAnalysis.names(joint);
    double[] values =
        joint
            ? new double[] {
              f.floor(), f.coefficient(0), f.alpha().get(0), f.coefficient(1), f.alpha().get(1)
            }
            : new double[] {f.floor(), f.coefficient(0), f.alpha().get(0)};
    if (json) {
      Map<String, Object> out = new LinkedHashMap<>();
      for (int k = 0; k < names.size(); k++) {
        out.put(names.get(k), values[k]);
      }
      System.out.println(CanonicalJson.write(out));
      return;
    }
    System.out.printf(
        Locale.ROOT,
        "%s fit of %s over %s%s: %d points, rms log residual %.4g, %d bootstrap replicates"
            + " (%d pinned on a bound, left out of the intervals)%n",
        f.form(),
        y,
        x,
        joint ? " and " + x2 : "",
        f.points(),
        f.rmsLogResidual(),
        r.replicates(),
        r.replicatesPinned());
    for (int k = 0; k < names.size(); k++) {
      ScalingAnalysis.Interval i = r.intervals().get(k);
      System.out.printf(
          Locale.ROOT,
          "  %-6s %-12.6g 95%% interval [%.4g, %.4g]%n",
          names.get(k),
          values[k],
          i.low(),
          i.high());
    }
    if (!Double.isNaN(r.extrapolationError())) {
      String without =
          joint
              ? String.format(
                  Locale.ROOT,
                  "the %d largest %s and the %d largest %s",
                  r.heldOut(),
                  x,
                  r.heldOut(),
                  x2)
              : String.format(Locale.ROOT, "the %d largest %s", r.heldOut(), x);
      System.out.printf(
          Locale.ROOT,
          "  extrapolation: fitted without %s, mean relative error on them %.3g%n",
          without,
          r.extrapolationError());
    }
  }
}
