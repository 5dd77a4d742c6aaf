package dev.sweeplab.engine;

import dev.sweeplab.spec.SpecKeys;
import dev.sweeplab.spec.SpecParser;
import dev.sweeplab.spec.SweepSpec;
import dev.sweeplab.spec.UserError;
import dev.sweeplab.store.Warehouse;
import java.util.ArrayList;
import java.util.List;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs the analyses a sweep's {@code analysis:} section asks for over its committed runs and writes
 * their tables, each sweep's partition replaced as a whole. Driver-only.
 */
public final class Analyses {
  private static final Logger LOG = LoggerFactory.getLogger(Analyses.class);

  private Analyses() {}

  /** Runs every requested analysis; returns one line per table written. */
  public static List<String> run(SparkSession spark, Warehouse warehouse, SweepSpec spec) {
    List<String> written = new ArrayList<>();
    if ("yes".equals(spec.analysis(SpecKeys.COORD_CHECK))) {
      long rows = CoordCheck.write(spark, warehouse, spec);
      written.add(Warehouse.COORD_CHECK + ": " + rows + " rows");
    }
    written.forEach(line -> LOG.info("analysis of {}: {}", spec.name(), line));
    return written;
  }

  /** The spec of a sweep's latest execution, as its {@code sweeps} row recorded it. */
  public static SweepSpec recordedSpec(SparkSession spark, Warehouse warehouse, String sweep) {
    if (!Tables.register(spark, warehouse).contains(Warehouse.SWEEPS)) {
      throw UserError.of(
          "no sweeps table in warehouse '" + warehouse.root() + "': run the sweep first");
    }
    List<Row> rows =
        spark
            .sql(
                "SELECT spec FROM sweeps WHERE sweep = '"
                    + sweep.replace("'", "''")
                    + "' ORDER BY finished DESC LIMIT 1")
            .collectAsList();
    if (rows.isEmpty()) {
      List<String> known =
          spark.sql("SELECT DISTINCT sweep FROM sweeps ORDER BY sweep").collectAsList().stream()
              .map(r -> r.getString(0))
              .toList();
      throw UserError.of(
          "no sweep named '"
              + sweep
              + "' in warehouse '"
              + warehouse.root()
              + "'; it has: "
              + (known.isEmpty() ? "none" : String.join(", ", known)));
    }
    return SpecParser.fromCanonicalJson(rows.get(0).getString(0));
  }
}
