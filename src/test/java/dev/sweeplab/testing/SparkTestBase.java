package dev.sweeplab.testing;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.fail;

import dev.sweeplab.engine.Sessions;
import java.util.List;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;

/**
 * One SparkSession per test class on {@code local[2]}, made by {@link Sessions} as the product
 * makes it (UI off, bound to 127.0.0.1); a {@link #sql} helper and row assertions that say which
 * row and column differ (after Iceberg's TestBase).
 */
public abstract class SparkTestBase {
  protected static SparkSession spark;

  @BeforeAll
  static void startSpark() {
    // The product's own Spark session settings (UI off, loopback, text partition values), on
    // local[2].
    spark = Sessions.open("sweeplab-test", "local[2]");
    spark.conf().set("spark.sql.shuffle.partitions", "2");
    Loopback.check(spark);
  }

  @AfterAll
  static void stopSpark() {
    if (spark != null) {
      spark.stop();
      spark = null;
    }
  }

  /** Rows of a query, collected. */
  protected static List<Row> sql(String query, Object... args) {
    return spark.sql(String.format(query, args)).collectAsList();
  }

  /** Asserts rows equal expected values, naming the first row and column that differ. */
  protected static void assertRows(String what, List<Row> actual, Object[]... expected) {
    assertEquals(expected.length, actual.size(), what + ": number of rows " + actual);
    for (int r = 0; r < expected.length; r++) {
      Object[] want = expected[r];
      Row got = actual.get(r);
      if (want.length != got.length()) {
        fail(what + ": row " + r + " has " + got.length() + " columns, expected " + want.length);
      }
      for (int c = 0; c < want.length; c++) {
        Object g = got.get(c);
        if (want[c] instanceof Double d && g instanceof Number n) {
          assertEquals(d, n.doubleValue(), 1e-9, what + ": row " + r + " column " + c + " " + got);
        } else {
          assertEquals(want[c], g, what + ": row " + r + " column " + c + " " + got);
        }
      }
    }
  }

  /** One row of expected values. */
  protected static Object[] row(Object... values) {
    return values;
  }
}
