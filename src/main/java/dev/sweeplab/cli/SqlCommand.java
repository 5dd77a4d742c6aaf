package dev.sweeplab.cli;

import dev.sweeplab.engine.ReadOnlySql;
import dev.sweeplab.engine.Sessions;
import dev.sweeplab.engine.Tables;
import dev.sweeplab.spec.UserError;
import java.util.List;
import java.util.concurrent.Callable;
import org.apache.spark.SparkException;
import org.apache.spark.SparkThrowable;
import org.apache.spark.sql.AnalysisException;
import org.apache.spark.sql.SparkSession;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code sweeplab sql QUERY}: Spark SQL over the warehouse's tables. */
@Command(
    name = "sql",
    description =
        "Run a read-only Spark SQL query (SELECT, WITH, SHOW, DESCRIBE, EXPLAIN); the warehouse's"
            + " tables are registered by name.")
final class SqlCommand implements Callable<Integer> {
  @Parameters(index = "0", paramLabel = "QUERY", description = "Spark SQL")
  String query;

  @Mixin WarehouseOption where;

  @Option(
      names = "--limit",
      defaultValue = "200",
      description = "rows to print (default ${DEFAULT-VALUE})")
  int limit;

  @Mixin AsOfOption asOf;

  @Override
  public Integer call() {
    if (limit < 0) {
      throw UserError.badValue("--limit", limit, "must be >= 0 (the rows to print)");
    }
    where.check();
    ReadOnlySql.check(query);
    try (SparkSession spark = Sessions.open("sweeplab sql", where.master)) {
      asOf.apply(spark, where.resolve());
      List<String> tables = Tables.register(spark, where.resolve());
      if (tables.isEmpty()) {
        throw UserError.of(
            "no tables in warehouse '"
                + where.warehouse
                + "': run a sweep first, or pass"
                + " --warehouse DIR"
                + (asOf.given() ? ", or a later --as-of" : ""));
      }
      try {
        // The views are pinned to one committed state (see Tables.register).
        String shown = spark.sql(query).showString(limit, 0, false);
        System.out.print(shown);
      } catch (Exception e) {
        // An analysis error, or one the query raised while running (raise_error, a failed cast or
        // division under ANSI mode, an unreadable path): the query's fault, not sweeplab's.
        if (!(e instanceof AnalysisException)
            && !(e instanceof SparkThrowable)
            && !(e instanceof SparkException)) {
          throw e;
        }
        throw UserError.of(
            "the query failed: " + reason(e) + " (tables: " + String.join(", ", tables) + ")");
      }
    }
    return 0;
  }

  /**
   * The first line of what went wrong: the deepest cause's message (a failed job wraps the error
   * the query raised), or the exception's own.
   */
  private static String reason(Throwable e) {
    Throwable root = e;
    while (root.getCause() != null && root.getCause() != root) {
      root = root.getCause();
    }
    String message = root.getMessage() != null ? root.getMessage() : e.getMessage();
    return message == null ? "" : message.strip().lines().findFirst().orElse("");
  }
}
