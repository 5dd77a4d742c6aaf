package dev.sweeplab.cli;

import dev.sweeplab.store.Schemes;
import dev.sweeplab.store.Warehouse;
import dev.sweeplab.table.Migration;
import dev.sweeplab.table.TableStore;
import java.util.concurrent.Callable;
import org.apache.hadoop.conf.Configuration;
import org.apache.spark.SparkConf;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code sweeplab migrate}: imports a warehouse written before the tables were Iceberg's. Every
 * other command does the same on first use; this one does it alone and says what it did.
 */
@Command(
    name = "migrate",
    description =
        "Import a warehouse written by an earlier sweeplab (Parquet directories"
            + " <table>/sweep=<name>/) into its Iceberg tables, the files added where they lie."
            + " Other commands do this on first use.")
final class MigrateCommand implements Callable<Integer> {
  @Option(
      names = "--warehouse",
      defaultValue = "warehouse",
      description =
          "where the tables live: a directory or any Hadoop URI (default ./${DEFAULT-VALUE})")
  String warehouse;

  @Override
  public Integer call() {
    Configuration conf = WarehouseOption.hadoopSettings();
    Schemes.check("--warehouse", warehouse, conf);
    // Opening the tables imports what there is to import; a second pass finds nothing left.
    TableStore store = TableStore.open(new SparkConf(), conf, new Warehouse(warehouse));
    Migration.Imported left = Migration.run(store);
    System.out.println(
        left.total() == 0
            ? "warehouse " + warehouse + ": every table is an Iceberg table"
            : "imported " + left.partitions());
    return 0;
  }
}
