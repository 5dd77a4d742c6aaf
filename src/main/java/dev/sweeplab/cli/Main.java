package dev.sweeplab.cli;

import dev.sweeplab.model.Platform;
import dev.sweeplab.spec.UserError;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/**
 * The {@code sweeplab} command. A user error (bad spec, option, file or path) exits with code 2 and
 * one paragraph on stderr, no stack trace; picocli's own parameter errors exit 2 with one line and
 * the usage hint. An internal error exits 1 with one line on stderr that names a log file holding
 * its stack trace ({@code sweeplab-error-<random>.log} in the system temporary directory), so no
 * input ever ends in a stack trace on the terminal.
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
      HistoryCommand.class,
      ExportCommand.class,
      MaintainCommand.class,
      MigrateCommand.class,
      KeysCommand.class,
      JobsCommand.class
    })
public final class Main implements Runnable {
  static final int USER_ERROR = 2;

  public static void main(String[] args) {
    System.exit(execute(args));
  }

  /** Runs the command line and returns the exit code (for tests). */
  public static int execute(String... args) {
    return execute(commandLine(new Main()), args);
  }

  /**
   * {@code sweeplab bench}, where the benchmark harness is on the class path: it ships apart from
   * the product, in {@code target/sweeplab-<version>-bench.jar} (built from the test sources),
   * which bin/sweeplab adds; neither the plain nor the cluster jar holds it.
   */
  private static Optional<Object> benchmarks() {
    try {
      return Optional.of(Class.forName(BENCH).getDeclaredConstructor().newInstance());
    } catch (ReflectiveOperationException e) {
      return Optional.empty();
    }
  }

  /** The benchmark harness's command class. */
  static final String BENCH = "dev.sweeplab.cli.BenchCommand";

  /** Runs {@code cli}, a {@link #commandLine}, on {@code args} and returns the exit code. */
  static int execute(CommandLine cli, String... args) {
    try {
      return cli.execute(args);
    } catch (Throwable e) { // errors (OutOfMemoryError, ...) pass picocli's handlers
      return internalError(e, cli.getErr());
    }
  }

  /** A command line for {@code command} with sweeplab's handling of user and internal errors. */
  static CommandLine commandLine(Object command) {
    CommandLine cli = new CommandLine(command);
    if (command instanceof Main) {
      benchmarks().ifPresent(bench -> cli.addSubcommand("bench", bench));
    }
    // Every command answers --help (and -h) with its own options, required parameters or not.
    cli.getSubcommands()
        .values()
        .forEach(sub -> sub.getCommandSpec().mixinStandardHelpOptions(true));
    cli.setParameterExceptionHandler(Main::parameterError);
    cli.setExecutionExceptionHandler(
        (e, commandLine, parseResult) -> {
          UserError user = userError(e);
          PrintWriter err = commandLine.getErr();
          if (user != null) {
            err.println("sweeplab: error: " + user.getMessage());
            err.flush();
            return USER_ERROR;
          }
          return internalError(e, err);
        });
    return cli;
  }

  /**
   * A picocli parameter error. An unknown option or subcommand, or a missing parameter, gets
   * picocli's message and the suggestions or usage that show what there is or is needed; any other
   * (a value of the wrong type, an option given twice) is one line that ends with where the usage
   * is.
   */
  private static int parameterError(CommandLine.ParameterException e, String[] args) {
    CommandLine command = e.getCommandLine();
    PrintWriter err = command.getErr();
    if (e instanceof CommandLine.UnmatchedArgumentException
        || e instanceof CommandLine.MissingParameterException) {
      err.println(oneLine(e.getMessage()));
      if (!CommandLine.UnmatchedArgumentException.printSuggestions(e, err)) {
        command.usage(err);
      }
    } else {
      err.println(
          "sweeplab: error: "
              + oneLine(e.getMessage())
              + " (see '"
              + command.getCommandSpec().qualifiedName()
              + " --help')");
    }
    err.flush();
    return USER_ERROR;
  }

  /**
   * An internal error: its full stack trace goes to a new log file and stderr gets one line naming
   * that file. Exit code 1.
   */
  static int internalError(Throwable e, PrintWriter err) {
    err.println(
        "sweeplab: internal error: "
            + oneLine(e.getClass().getSimpleName() + ": " + e.getMessage())
            + "; "
            + stackTraceLog(e)
            + ". Please report it with that file.");
    err.flush();
    return 1;
  }

  /** Writes {@code e}'s stack trace to a new log file and says where it is. */
  static String stackTraceLog(Throwable e) {
    try {
      // A new file of its own (not a guessable name another user could have linked elsewhere).
      Path log = Files.createTempFile("sweeplab-error-", ".log");
      StringWriter trace = new StringWriter();
      e.printStackTrace(new PrintWriter(trace));
      Files.writeString(log, trace.toString(), StandardCharsets.UTF_8);
      return "the stack trace is in " + log;
    } catch (IOException | RuntimeException logFailed) {
      return "the stack trace could not be written to a log file (" + logFailed + ")";
    }
  }

  /** {@code text} on one line: line breaks become spaces. */
  static String oneLine(String text) {
    return String.valueOf(text).strip().replaceAll("\\s*\\R\\s*", " ");
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
