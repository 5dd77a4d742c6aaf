package dev.sweeplab.cli;

import dev.sweeplab.store.Warehouse;
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
}
