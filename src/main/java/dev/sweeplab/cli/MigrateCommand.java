package dev.sweeplab.cli;

import dev.sweeplab.store.Migration;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;

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
  @Mixin WarehousePathOption where;

  @Override
  public Integer call() {
    // Opening the tables imports what there is to import; a second pass finds nothing left.
    Migration.Imported left = Migration.run(where.tables());
    System.out.println(
        left.total() == 0
            ? "warehouse " + where.warehouse + ": every table is an Iceberg table"
            : "imported " + left.partitions());
    return 0;
  }
}
