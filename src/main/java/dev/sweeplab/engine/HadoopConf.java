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

  /** A configuration of exactly the broadcast settings. */
  static Configuration of(Broadcast<Map<String, String>> settings) {
    Configuration conf = new Configuration(false);
    settings.value().forEach(conf::set);
    return conf;
  }
}
