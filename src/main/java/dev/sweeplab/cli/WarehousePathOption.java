package dev.sweeplab.cli;

import dev.sweeplab.store.Schemes;
import dev.sweeplab.store.TableStore;
import dev.sweeplab.store.Warehouse;
import org.apache.hadoop.conf.Configuration;
import picocli.CommandLine.Option;

/**
 * The {@code --warehouse} option. The commands that start no Spark ({@code status}, {@code
 * history}, {@code migrate}) take it alone and read the warehouse through the Hadoop FileSystem and
 * the catalog, whose settings come from the {@code spark.*} Java properties; those that open Spark
 * take {@link WarehouseOption}, which adds {@code --master}.
 */
class WarehousePathOption {
  @Option(
      names = "--warehouse",
      defaultValue = "warehouse",
      description =
          "where the tables live: a directory or any Hadoop URI (default ./${DEFAULT-VALUE})")
  String warehouse;

  Warehouse resolve() {
    return new Warehouse(warehouse);
  }

  /** The Hadoop settings, once the warehouse's URI scheme is known to have a file system. */
  Configuration conf() {
    Configuration conf = WarehouseOption.hadoopSettings();
    Schemes.check("--warehouse", warehouse, conf);
    return conf;
  }

  /** The warehouse's tables (an earlier warehouse imported on the way). */
  TableStore tables() {
    return TableStore.open(conf(), resolve());
  }
}
