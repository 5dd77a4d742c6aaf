package dev.sweeplab.engine;

import dev.sweeplab.spec.UserError;
import java.util.ArrayList;
import java.util.List;
import org.apache.spark.sql.catalyst.analysis.UnresolvedFunction;
import org.apache.spark.sql.catalyst.expressions.Expression;
import org.apache.spark.sql.catalyst.expressions.SubqueryExpression;
import org.apache.spark.sql.catalyst.parser.ParseException;
import org.apache.spark.sql.catalyst.plans.logical.Command;
import org.apache.spark.sql.catalyst.plans.logical.InsertIntoDir;
import org.apache.spark.sql.catalyst.plans.logical.LogicalPlan;
import org.apache.spark.sql.catalyst.plans.logical.ParsedStatement;
import org.apache.spark.sql.catalyst.plans.logical.ScriptTransformation;
import org.apache.spark.sql.execution.SparkSqlParser;
import org.apache.spark.sql.execution.command.DescribeQueryCommand;
import org.apache.spark.sql.execution.command.ExplainCommand;
import scala.collection.JavaConverters;

/**
 * The rule of {@code sweeplab sql}: it reads, never writes. A statement is parsed (by Spark's own
 * parser, before any Spark session or table exists) and accepted only when it is a query (SELECT,
 * WITH, VALUES, TABLE, FROM ... SELECT) or a SHOW, DESCRIBE or EXPLAIN of one; every command that
 * writes data or changes a catalog, the Spark session's configuration or its class path (INSERT,
 * CREATE, DROP, ALTER, DELETE, UPDATE, MERGE, CACHE, ADD JAR, SET, ...) is refused, and so is a
 * query that runs code outside SQL (TRANSFORM's shell command, reflect and java_method). The tables
 * change only through a sweep's commit. Driver-only.
 */
public final class ReadOnlySql {
  private static final String ACCEPTED =
      "sweeplab sql is read-only: it runs queries (SELECT, WITH) and SHOW, DESCRIBE and EXPLAIN"
          + " statements; the tables change only when a sweep commits";

  private ReadOnlySql() {}

  /**
   * Checks {@code statement}.
   *
   * @throws UserError naming the statement kind when it is not read-only, or Spark's parse error
   *     (with its line and position) when it is not valid SQL
   */
  public static void check(String statement) {
    LogicalPlan plan;
    try {
      plan = new SparkSqlParser().parsePlan(statement);
    } catch (StackOverflowError e) {
      throw UserError.of("the query is nested too deeply for Spark's parser: simplify it");
    } catch (Exception e) {
      // Scala declares no checked exceptions: Spark's ParseException reaches Java undeclared.
      if (e instanceof ParseException) {
        // The first line is the error and its position; the rest repeats the query with a caret.
        throw UserError.of(
            "the query is not valid Spark SQL: "
                + e.getMessage().strip().lines().findFirst().get());
      }
      throw e;
    }
    LogicalPlan writer = firstWriter(plan);
    if (writer != null) {
      throw UserError.of(
          "refused '" + abbreviated(statement) + "' (" + kind(writer) + "): " + ACCEPTED + ".");
    }
  }

  /** The first node of {@code plan} (depth first, CTE definitions included) that is not a read. */
  private static LogicalPlan firstWriter(LogicalPlan plan) {
    List<LogicalPlan> todo = new ArrayList<>(List.of(plan));
    while (!todo.isEmpty()) {
      LogicalPlan node = todo.remove(todo.size() - 1);
      if (node instanceof ExplainCommand explain) {
        todo.add(explain.logicalPlan());
        continue;
      }
      if (node instanceof DescribeQueryCommand describe) {
        todo.add(describe.plan());
        continue;
      }
      if (isWrite(node) || runsCode(node, todo)) {
        return node;
      }
      todo.addAll(JavaConverters.seqAsJavaList(node.children()));
      for (Object inner : JavaConverters.seqAsJavaList(node.innerChildren())) {
        if (inner instanceof LogicalPlan p) {
          todo.add(p);
        }
      }
    }
    return null;
  }

  /**
   * Whether {@code node} runs code outside SQL: a {@code TRANSFORM ... USING 'command'} (a shell
   * command) or, in its expressions, {@code reflect} / {@code java_method} (any static Java
   * method). Subqueries in its expressions are queued on {@code todo} to be checked in turn.
   */
  private static boolean runsCode(LogicalPlan node, List<LogicalPlan> todo) {
    if (node instanceof ScriptTransformation) {
      return true;
    }
    List<Expression> expressions =
        new ArrayList<>(JavaConverters.seqAsJavaList(node.expressions()));
    while (!expressions.isEmpty()) {
      Expression e = expressions.remove(expressions.size() - 1);
      if (e instanceof UnresolvedFunction f) {
        List<String> name = JavaConverters.seqAsJavaList(f.nameParts());
        String last = name.get(name.size() - 1).toLowerCase(java.util.Locale.ROOT);
        if (CODE_FUNCTIONS.contains(last)) {
          return true;
        }
      }
      if (e instanceof SubqueryExpression sub) {
        todo.add(sub.plan());
      }
      expressions.addAll(JavaConverters.seqAsJavaList(e.children()));
    }
    return false;
  }

  /** Spark SQL functions that call arbitrary Java methods. */
  private static final java.util.Set<String> CODE_FUNCTIONS =
      java.util.Set.of("reflect", "java_method", "try_reflect");

  private static boolean isWrite(LogicalPlan node) {
    if (node instanceof InsertIntoDir || node instanceof ParsedStatement) {
      return true;
    }
    if (node instanceof Command) {
      String name = node.getClass().getSimpleName();
      return !(name.startsWith("Show") || name.startsWith("Describe"));
    }
    return false;
  }

  private static String kind(LogicalPlan node) {
    if (!(node instanceof Command) && !(node instanceof ParsedStatement)) {
      return node instanceof ScriptTransformation
          ? "TRANSFORM runs a command"
          : "reflect / java_method call Java";
    }
    return node.getClass().getSimpleName().replaceAll("(Command|Statement)$", "");
  }

  private static String abbreviated(String statement) {
    String line = statement.strip().replaceAll("\\s+", " ");
    return line.length() <= 60 ? line : line.substring(0, 57) + "...";
  }
}
