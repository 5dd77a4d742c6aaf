package dev.sweeplab.cli;

import dev.sweeplab.spec.SpecParser;
import dev.sweeplab.spec.SweepSpec;
import java.nio.file.Path;
import picocli.CommandLine.Option;

/** The {@code --configs FILE} option of {@code run} and {@code plan}, and the spec it gives. */
final class ConfigsOption {
  @Option(
      names = "--configs",
      paramLabel = "FILE",
      description =
          "JSON Lines: one object of run keys per line (training.learning_rate or learning_rate),"
              + " each a configuration of the sweep over the spec's values; replaces the spec's"
              + " configs")
  Path configs;

  /** The sweep of {@code spec}, its configurations from {@code --configs} where given. */
  SweepSpec parse(Path spec) {
    return SpecParser.parse(spec, configs);
  }
}
