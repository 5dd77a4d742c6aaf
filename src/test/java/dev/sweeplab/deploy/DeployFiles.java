package dev.sweeplab.deploy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.io.IOException;
import java.io.Reader;
import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.Yaml;
import org.yaml.snakeyaml.constructor.SafeConstructor;
import picocli.CommandLine;

/** What {@link DeployFilesTest} reads deploy/ with: files, YAML, properties, images, processes. */
final class DeployFiles {
  static final Path DEPLOY = Path.of("deploy");
  static final String CLUSTER_JAR = "target/sweeplab-cluster.jar";

  private DeployFiles() {}

  static String read(Path file) {
    assertTrue(Files.isRegularFile(file), file + " exists");
    try {
      return Files.readString(file);
    } catch (IOException e) {
      throw new AssertionError("cannot read " + file, e);
    }
  }

  static List<Path> filesUnder(Path dir) {
    try (Stream<Path> files = Files.walk(dir)) {
      return files
          .filter(Files::isRegularFile)
          .filter(p -> !p.toString().contains("__pycache__"))
          .sorted()
          .toList();
    } catch (IOException e) {
      throw new AssertionError("cannot list " + dir, e);
    }
  }

  /** Every YAML document of {@code file}, each a map. */
  @SuppressWarnings("unchecked")
  static List<Map<String, Object>> yamlDocuments(Path file) {
    List<Map<String, Object>> docs = new ArrayList<>();
    // A key given twice is an error, as the API server's strict field validation makes it.
    LoaderOptions options = new LoaderOptions();
    options.setAllowDuplicateKeys(false);
    Yaml yaml = new Yaml(new SafeConstructor(options));
    try {
      for (Object doc : yaml.loadAll(read(file))) {
        if (doc == null) {
          continue;
        }
        if (!(doc instanceof Map)) {
          fail(file + ": a document is not a mapping but " + doc.getClass().getSimpleName());
        }
        docs.add((Map<String, Object>) doc);
      }
    } catch (RuntimeException e) {
      throw new AssertionError(file + " is not valid YAML: " + e.getMessage(), e);
    }
    return docs;
  }

  /** The value at {@code path} (keys separated by dots) under {@code map}, or null. */
  @SuppressWarnings("unchecked")
  static Object at(Map<String, Object> map, String path) {
    Object node = map;
    for (String key : path.split("\\.")) {
      if (!(node instanceof Map)) {
        return null;
      }
      node = ((Map<String, Object>) node).get(key);
    }
    return node;
  }

  /** A Spark properties file as Spark reads it (java.util.Properties). */
  static Map<String, String> sparkProperties(Path file) {
    Properties p = new Properties();
    try (Reader r = Files.newBufferedReader(file)) {
      p.load(r);
    } catch (IOException e) {
      throw new AssertionError("cannot read Spark properties " + file, e);
    }
    Map<String, String> out = new LinkedHashMap<>();
    p.stringPropertyNames().stream().sorted().forEach(k -> out.put(k, p.getProperty(k).trim()));
    return out;
  }

  /** Keys set by any conf/*.conf file. */
  static Map<String, Path> keysOfConfFiles() {
    Map<String, Path> keys = new HashMap<>();
    for (Path conf : filesUnder(Path.of("conf"))) {
      if (conf.toString().endsWith(".conf")) {
        sparkProperties(conf).keySet().forEach(k -> keys.putIfAbsent(k, conf));
      }
    }
    return keys;
  }

  /** Loads {@code name} and checks it has a {@code public static void main(String[])}. */
  static Class<?> mainClass(String name, String where) {
    try {
      Class<?> c = Class.forName(name);
      Method main = c.getMethod("main", String[].class);
      assertTrue(Modifier.isStatic(main.getModifiers()), where + ": " + name + ".main is static");
      return c;
    } catch (ClassNotFoundException | NoSuchMethodException e) {
      throw new AssertionError(where + ": main class " + name + " not found: " + e, e);
    }
  }

  /**
   * Parses {@code args} with the CLI of {@code mainClass} without running anything, and returns the
   * subcommand's parse result: an unknown option or a missing parameter fails, naming {@code
   * where}.
   */
  static CommandLine.ParseResult parseCli(String mainClass, List<String> args, String where) {
    Object command;
    try {
      command = mainClass(mainClass, where).getDeclaredConstructor().newInstance();
    } catch (ReflectiveOperationException e) {
      throw new AssertionError(where + ": cannot create " + mainClass, e);
    }
    try {
      CommandLine.ParseResult result =
          new CommandLine(command).parseArgs(args.toArray(String[]::new));
      assertTrue(result.hasSubcommand(), where + ": " + args + " names a sweeplab command");
      return result.subcommand();
    } catch (CommandLine.ParameterException e) {
      throw new AssertionError(
          where + ": sweeplab rejects the arguments " + args + ": " + e.getMessage(), e);
    }
  }

  /** One COPY instruction from the build context: sources (repo paths) to an image path. */
  record Copy(List<String> sources, String dest) {}

  /** A Dockerfile's COPY instructions from the build context (not --from stages). */
  static List<Copy> copies(Path dockerfile) {
    String text = read(dockerfile).replaceAll("\\\\\\R", " ");
    List<Copy> copies = new ArrayList<>();
    for (String line : text.split("\\R")) {
      List<String> tokens = new ArrayList<>(Arrays.asList(line.trim().split("\\s+")));
      if (tokens.isEmpty() || !tokens.get(0).equalsIgnoreCase("COPY")) {
        continue;
      }
      tokens.remove(0);
      if (tokens.stream().anyMatch(t -> t.startsWith("--from="))) {
        continue;
      }
      tokens.removeIf(t -> t.startsWith("--"));
      assertTrue(tokens.size() >= 2, dockerfile + ": COPY needs a source and a destination");
      copies.add(new Copy(tokens.subList(0, tokens.size() - 1), tokens.get(tokens.size() - 1)));
    }
    return copies;
  }

  /**
   * The repository path that the image built from {@code dockerfile} holds at {@code imagePath}, or
   * empty. A directory that only holds copied files maps to itself ("" in the repo).
   */
  static Optional<String> repoPathOf(Path dockerfile, String imagePath) {
    for (Copy c : copies(dockerfile)) {
      for (String src : c.sources()) {
        if (c.dest().endsWith("/") && src.endsWith("/") && imagePath.startsWith(c.dest())) {
          return Optional.of(src + imagePath.substring(c.dest().length()));
        }
        if (imagePath.equals(c.dest())) {
          return Optional.of(src);
        }
        if (c.dest().startsWith(imagePath + "/")) {
          return Optional.of("");
        }
      }
    }
    return Optional.empty();
  }

  /** A finished process: exit code and output. */
  record Result(int exit, String out, String err) {
    String both() {
      return "exit " + exit + "\nstdout:\n" + out + "\nstderr:\n" + err;
    }
  }

  /** Runs {@code command} in the repository root with {@code env} added, up to 30 s. */
  static Result run(List<String> command, Map<String, String> env, Path tmp) {
    try {
      Path out = Files.createTempFile(tmp, "out", ".txt");
      Path err = Files.createTempFile(tmp, "err", ".txt");
      Map<String, String> edits = new HashMap<>();
      edits.put("SPARK_HOME", null);
      edits.putAll(env);
      Process p = dev.sweeplab.testing.Processes.start(command, edits, out, err);
      if (!p.waitFor(30, TimeUnit.SECONDS)) {
        p.destroyForcibly();
        fail(command + " did not finish in 30 s");
      }
      return new Result(p.exitValue(), Files.readString(out), Files.readString(err));
    } catch (IOException e) {
      throw new AssertionError("cannot run " + command, e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new AssertionError("interrupted running " + command, e);
    }
  }

  /** Writes an executable shell script {@code name} with {@code body} into {@code dir}. */
  static Path script(Path dir, String name, String body) throws IOException {
    Path file = dir.resolve(name);
    Files.writeString(file, "#!/bin/sh\n" + body);
    assertTrue(file.toFile().setExecutable(true), "chmod +x " + file);
    return file;
  }

  /** The value after {@code option} in {@code args}, failing with {@code where} if absent. */
  static String valueOf(List<String> args, String option, String where) {
    int i = args.indexOf(option);
    assertTrue(i >= 0 && i + 1 < args.size(), where + " passes " + option + " VALUE: " + args);
    return args.get(i + 1);
  }

  /** Every value of a repeated {@code --conf key=value} option, as a map. */
  static Map<String, String> confOptions(List<String> args) {
    Map<String, String> conf = new LinkedHashMap<>();
    for (int i = 0; i + 1 < args.size(); i++) {
      if (args.get(i).equals("--conf")) {
        String kv = args.get(i + 1);
        int eq = kv.indexOf('=');
        assertTrue(eq > 0, "--conf " + kv + " is key=value");
        conf.put(kv.substring(0, eq), kv.substring(eq + 1));
      }
    }
    return conf;
  }

  static void assertSameValue(String where, String key, Object expected, Object actual) {
    assertEquals(
        String.valueOf(expected),
        String.valueOf(actual),
        where + ": " + key + " differs from the properties file");
  }
}
