package dev.sweeplab.cli;

import dev.sweeplab.spec.KeyReference;
import dev.sweeplab.spec.UserError;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code sweeplab keys}: every spec key, as the Markdown reference that docs/sweeps.md holds. */
@Command(
    name = "keys",
    description =
        "Print every sweep spec key (type, default, whether it can be swept, accepted values,"
            + " meaning) as Markdown.")
final class KeysCommand implements Callable<Integer> {
  @Option(
      names = "--update",
      paramLabel = "FILE",
      description = "rewrite the key reference between FILE's markers instead of printing it")
  Path update;

  @Override
  public Integer call() {
    if (update == null) {
      System.out.print(KeyReference.markdown());
      return 0;
    }
    try {
      String doc = Files.readString(update, StandardCharsets.UTF_8);
      Files.writeString(
          update, KeyReference.splice(doc, update.toString()), StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw UserError.of("cannot update " + update + ": " + e.getMessage());
    }
    System.out.println("updated the key reference in " + update);
    return 0;
  }
}
