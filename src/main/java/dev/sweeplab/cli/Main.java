package dev.sweeplab.cli;

import dev.sweeplab.spec.UserError;
import dev.sweeplab.train.Platform;
import java.io.PrintWriter;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/**
 * The {@code sweeplab} command. A user error (bad spec, option, file or path) exits with code 2 and
 * one paragraph on stderr, no stack trace; an internal error exits 1 with its stack trace.
 */
@Command(
    name = "sweeplab",
    mixinStandardHelpOptions = true,
    versionProvider = Main.Version.class,
    description =
        "Sweeps of Deeplearning4j training runs on Spark, with results as Parquet tables.",
    subcommands = {
      PlanCommand.class,
      RunCommand.class,
      StatusCommand.class,
      AnalyzeCommand.class,
      ReportCommand.class,
      FitCommand.class,
      SqlCommand.class,
      KeysCommand.class,
      BenchCommand.class
    })
public final class Main implements Runnable {
  static final int USER_ERROR = 2;

  public static void main(String[] args) {
    System.exit(execute(args));
  }

  /** Runs the command line and returns the exit code (for tests). */
  public static int execute(String... args) {
    return commandLine(new Main()).execute(args);
  }

  /** A command line for {@code command} with sweeplab's handling of user and internal errors. */
  static CommandLine commandLine(Object command) {
    CommandLine cli = new CommandLine(command);
    cli.setExecutionExceptionHandler(
        (e, commandLine, parseResult) -> {
          UserError user = userError(e);
          PrintWriter err = commandLine.getErr();
          if (user != null) {
            err.println("sweeplab: error: " + user.getMessage());
            err.flush();
            return USER_ERROR;
          }
          e.printStackTrace(err);
          err.flush();
          return 1;
        });
    return cli;
  }

  /** The user error in a cause chain (Spark wraps executor-side errors), or null. */
  static UserError userError(Throwable e) {
    for (Throwable t = e; t != null; t = t.getCause()) {
      if (t instanceof UserError u) {
        return u;
      }
    }
    return null;
  }

  @Override
  public void run() {
    new CommandLine(this).usage(System.out);
  }

  /** Prints the stamped version. */
  static final class Version implements CommandLine.IVersionProvider {
    @Override
    public String[] getVersion() {
      return new String[] {"sweeplab " + Platform.version()};
    }
  }
}
