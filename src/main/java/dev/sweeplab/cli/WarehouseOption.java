package dev.sweeplab.cli;

import dev.sweeplab.engine.Sessions;
import dev.sweeplab.engine.Tables;
import dev.sweeplab.spec.UserError;
import dev.sweeplab.store.Schemes;
import dev.sweeplab.store.Warehouse;
import dev.sweeplab.table.History;
import dev.sweeplab.table.TableStore;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import org.apache.hadoop.conf.Configuration;
import org.apache.spark.SparkConf;
import org.apache.spark.deploy.SparkHadoopUtil;
import org.apache.spark.sql.SparkSession;
import picocli.CommandLine.Option;

/** The {@code --warehouse} and {@code --master} options shared by commands that open Spark. */
final class WarehouseOption {
  @Option(
      names = "--warehouse",
      defaultValue = "warehouse",
      description =
          "where the tables live: a directory or any Hadoop URI (default ./${DEFAULT-VALUE})")
  String warehouse;

  @Option(
      names = "--master",
      description = "Spark master when not under spark-submit (default local[*])")
  String master;

  Warehouse resolve() {
    return new Warehouse(warehouse);
  }

  /**
   * The time {@code --as-of} names, as epoch ms, read from the warehouse's tables in {@code spark}
   * (see {@link History#asOfMillis}); null when the option is not given.
   */
  Long asOfMs(SparkSession spark, String asOf) {
    return asOf == null
        ? null
        : History.asOfMillis(TableStore.open(spark, resolve()), Tables.ALL, asOf);
  }

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
