package dev.sweeplab.engine;

import java.util.HashMap;
import java.util.Map;
import org.apache.hadoop.conf.Configuration;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.broadcast.Broadcast;
import org.apache.spark.sql.SparkSession;

/**
 * The driver's Hadoop configuration (the warehouse's file system settings and credentials) for
 * tasks that open files themselves: broadcast once per job as a map, rebuilt per task without
 * parsing Hadoop's default resources.
 */
final class HadoopConf {
  private HadoopConf() {}

  /** The driver's settings, broadcast; destroy it when the job is done. */
  static Broadcast<Map<String, String>> broadcast(SparkSession spark) {
    Map<String, String> conf = new HashMap<>();
    spark.sparkContext().hadoopConfiguration().forEach(e -> conf.put(e.getKey(), e.getValue()));
    return JavaSparkContext.fromSparkContext(spark.sparkContext()).broadcast(conf);
  }

  /**
   * A configuration of exactly the broadcast settings, built once per broadcast in each JVM and
   * shared by its tasks (copying its few hundred settings per task is a noticeable share of a tiny
   * run's task). Treat it as read-only.
   */
  static Configuration of(Broadcast<Map<String, String>> settings) {
    Built last = latest;
    if (last == null || last.broadcastId() != settings.id()) {
      Configuration conf = new Configuration(false);
      settings.value().forEach(conf::set);
      last = new Built(settings.id(), conf);
      latest = last; // one job's at a time: an executor outlives many jobs
    }
    return last.conf();
  }

  private record Built(long broadcastId, Configuration conf) {}

  private static volatile Built latest;
}
