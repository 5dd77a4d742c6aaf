package dev.sweeplab.testing;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.LinkedHashMap;
import java.util.Map;
import org.apache.spark.SparkExecutorInfo;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.util.Utils;

/**
 * Tests bind to loopback only: the driver and every executor a test starts report a loopback host.
 */
public final class Loopback {
  public static final String ADDRESS = "127.0.0.1";

  private Loopback() {}

  /** Fails unless the driver's host and every executor's host of {@code spark} are loopback. */
  public static void check(SparkSession spark) {
    Map<String, String> hosts = new LinkedHashMap<>();
    hosts.put("driver", spark.sparkContext().getConf().get("spark.driver.host"));
    // The host this JVM's executors (local mode's included) report for their tasks.
    hosts.put("task host", Utils.localHostName());
    for (SparkExecutorInfo e : spark.sparkContext().statusTracker().getExecutorInfos()) {
      hosts.put("executor " + e.host() + ":" + e.port(), e.host());
    }
    hosts.forEach(
        (who, host) -> {
          if (!loopback(host)) {
            throw new IllegalStateException(
                "a test's Spark must bind to loopback only (set SPARK_LOCAL_IP="
                    + ADDRESS
                    + "): "
                    + who
                    + " is "
                    + host
                    + "; all: "
                    + hosts);
          }
        });
  }

  private static boolean loopback(String host) {
    try {
      return InetAddress.getByName(host).isLoopbackAddress();
    } catch (UnknownHostException e) {
      return false;
    }
  }
}
