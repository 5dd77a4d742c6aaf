package dev.sweeplab.cli;

import dev.sweeplab.engine.Sessions;
import dev.sweeplab.spec.UserError;
import dev.sweeplab.store.Schemes;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import org.apache.hadoop.conf.Configuration;
import org.apache.spark.SparkConf;
import org.apache.spark.deploy.SparkHadoopUtil;
import picocli.CommandLine.Option;

/** The {@code --warehouse} and {@code --master} options shared by commands that open Spark. */
final class WarehouseOption extends WarehousePathOption {
  @Option(
      names = "--master",
      description = "Spark master when not under spark-submit (default local[*])")
  String master;

  /**
   * Fails before Spark starts when {@code --master} is no master URL or {@code --warehouse} has a
   * URI scheme no file system serves. Reads and writes nothing.
   */
  void check() {
    Sessions.checkMaster(master);
    Schemes.check("--warehouse", warehouse, hadoopSettings());
  }

  /**
   * Fails before Spark starts when a local warehouse cannot be written: the nearest part of its
   * path that exists must be a writable directory (a regular file there, or above it, can never
   * hold tables). Writes nothing; other file systems are checked when the engine first writes.
   */
  void preflight() {
    check();
    URI uri;
    try {
      uri = new org.apache.hadoop.fs.Path(warehouse).toUri();
    } catch (IllegalArgumentException e) {
      throw UserError.badValue(
          "--warehouse", warehouse, "must be a directory or a Hadoop URI (" + e.getMessage() + ")");
    }
    if (uri.getScheme() != null && !uri.getScheme().equals("file")) {
      return;
    }
    Path at = LocalPaths.nearestExisting(Path.of(uri.getPath()));
    if (at == null) {
      return;
    }
    if (!Files.isDirectory(at)) {
      throw UserError.of(
          "--warehouse '"
              + warehouse
              + "' cannot be a directory: '"
              + at
              + "' is a file. Give a directory that exists or can be created, or a Hadoop URI");
    }
    if (!Files.isWritable(at)) {
      throw UserError.of(
          "--warehouse '"
              + warehouse
              + "' cannot be written: '"
              + at
              + "' is not writable. Give a directory you can write, or a Hadoop URI");
    }
  }

  /**
   * Hadoop's settings as Spark would give them: the defaults plus every {@code spark.hadoop.*}
   * setting (spark-defaults, {@code --conf}), so a file system configured there is known here.
   */
  static Configuration hadoopSettings() {
    return SparkHadoopUtil.get().newConfiguration(new SparkConf());
  }
}
