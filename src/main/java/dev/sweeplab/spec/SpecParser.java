package dev.sweeplab.spec;

import dev.sweeplab.model.Parameterization;
import java.io.IOException;
import java.io.InputStream;
import java.math.BigDecimal;
import java.nio.ByteBuffer;
import java.nio.CharBuffer;
import java.nio.charset.CharsetDecoder;
import java.nio.charset.CoderResult;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.Yaml;
import org.yaml.snakeyaml.constructor.SafeConstructor;
import org.yaml.snakeyaml.error.MarkedYAMLException;
import org.yaml.snakeyaml.error.YAMLException;
import org.yaml.snakeyaml.reader.ReaderException;

/**
 * Reads a sweep spec from YAML and checks all of it before anything runs: unknown keys (with the
 * nearest valid key), wrong types, out-of-range values, empty axes, conflicting keys and a grid
 * larger than {@code limits.max_runs}. Every error names the key path, the value and what is
 * accepted.
 */
public final class SpecParser {
  private SpecParser() {}

  /**
   * The largest spec file read, in bytes: SnakeYAML's default code point limit (3 MiB), which the
   * parser keeps. A spec is a few hundred bytes; the limit keeps a wrong path ({@code /dev/zero}, a
   * data file) from filling the heap.
   */
  public static final int MAX_SPEC_BYTES = 3 * 1024 * 1024;

  /** Parses and validates the spec file at {@code file}. */
  public static SweepSpec parse(Path file) {
    return parse(file, null);
  }

  /**
   * Parses and validates the spec file at {@code file}, its configurations read from the JSON Lines
   * file {@code configs} when that is not null (in place of any {@code configs:} the spec names).
   */
  public static SweepSpec parse(Path file, Path configs) {
    Map<?, ?> tree = load(read(file), file.toString());
    Path dir = file.toAbsolutePath().getParent();
    return fromTree(tree, true, dir, configs == null ? null : Configs.read(configs));
  }

  /**
   * The text of the spec at {@code file}, read through a stream that stops one byte past {@link
   * #MAX_SPEC_BYTES}, so a device or huge file is refused after at most that much; its bytes must
   * be UTF-8.
   */
  static String read(Path file) {
    return readText(file, "sweep spec", ", the most a spec may hold: give the sweep's YAML file");
  }

  /**
   * The UTF-8 text of a user's file at {@code file}, {@code what} naming it in errors ("sweep
   * spec"), at most {@link #MAX_SPEC_BYTES}: the stream stops one byte past that, and a larger file
   * is refused, {@code tooLarge} ending that message.
   */
  static String readText(Path file, String what, String tooLarge) {
    byte[] bytes;
    try (InputStream in = Files.newInputStream(file)) {
      bytes = in.readNBytes(MAX_SPEC_BYTES + 1);
    } catch (NoSuchFileException e) {
      throw UserError.of(what + " '" + file + "' does not exist");
    } catch (IOException e) {
      throw UserError.io("read the " + what, file.toString(), e);
    }
    if (bytes.length > MAX_SPEC_BYTES) {
      throw UserError.of(
          what + " '" + file + "' is larger than " + MAX_SPEC_BYTES + " bytes (3 MiB)" + tooLarge);
    }
    return utf8(bytes, what, file.toString());
  }

  /**
   * {@code bytes} decoded as UTF-8; the first byte that is not names its line and column, {@code
   * what} the file ("sweep spec").
   */
  static String utf8(byte[] bytes, String what, String source) {
    CharsetDecoder decoder =
        StandardCharsets.UTF_8
            .newDecoder()
            .onMalformedInput(CodingErrorAction.REPORT)
            .onUnmappableCharacter(CodingErrorAction.REPORT);
    ByteBuffer in = ByteBuffer.wrap(bytes);
    CharBuffer out = CharBuffer.allocate(bytes.length);
    CoderResult result = decoder.decode(in, out, true);
    if (!result.isError()) {
      result = decoder.flush(out);
    }
    if (result.isError()) {
      int at = in.position();
      int line = 1;
      int lineStart = 0;
      for (int i = 0; i < at; i++) {
        if (bytes[i] == '\n') {
          line++;
          lineStart = i + 1;
        }
      }
      throw UserError.of(
          what
              + " '"
              + source
              + "' is not UTF-8 at line "
              + line
              + ", byte "
              + (at - lineStart + 1)
              + String.format(Locale.ROOT, " (0x%02X)", bytes[at] & 0xff)
              + ": save it as UTF-8");
    }
    return out.flip().toString();
  }

  /**
   * Parses and validates spec text; {@code source} names it in errors. A {@code configs:} file is
   * read relative to the working directory.
   */
  public static SweepSpec parse(String yamlText, String source) {
    return fromTree(load(yamlText, source), true, null, null);
  }

  /** The YAML mapping of spec text; {@code source} names it in errors. */
  private static Map<?, ?> load(String yamlText, String source) {
    LoaderOptions options = new LoaderOptions();
    options.setAllowDuplicateKeys(false);
    options.setCodePointLimit(MAX_SPEC_BYTES);
    Object tree;
    try {
      tree = new Yaml(new SafeConstructor(options)).load(yamlText);
    } catch (MarkedYAMLException e) {
      throw UserError.of(
          source
              + " is not valid YAML at line "
              + (e.getProblemMark().getLine() + 1)
              + ", column "
              + (e.getProblemMark().getColumn() + 1)
              + ": "
              + e.getProblem());
    } catch (ReaderException e) {
      // A character YAML forbids (NUL, most control characters), at a character offset.
      // SnakeYAML counts code points; the text is indexed in chars (an emoji is two).
      int points =
          Math.min(Math.max(e.getPosition(), 0), yamlText.codePointCount(0, yamlText.length()));
      int at = yamlText.offsetByCodePoints(0, points);
      String before = yamlText.substring(0, at);
      int line = (int) before.chars().filter(c -> c == '\n').count() + 1;
      throw UserError.of(
          source
              + " is not valid YAML at line "
              + line
              + ", column "
              + (at - before.lastIndexOf('\n'))
              + ": "
              + String.format(Locale.ROOT, "the character U+%04X", e.getCodePoint())
              + " is not allowed in YAML; remove it");
    } catch (YAMLException e) {
      throw UserError.of(source + " is not valid YAML: " + e.getMessage());
    }
    if (!(tree instanceof Map<?, ?> map)) {
      throw UserError.of(
          source
              + " must be a YAML mapping with at least 'name', found "
              + (tree == null ? "an empty document" : UserError.show(tree)));
    }
    return map;
  }

  /** Re-reads a spec from the canonical JSON the {@code sweeps} table records. */
  public static SweepSpec fromCanonicalJson(String json) {
    Map<String, Object> tree = new LinkedHashMap<>();
    CanonicalJson.read(json)
        .forEach(
            (path, value) -> {
              int dot = path.indexOf('.');
              if (dot < 0) {
                tree.put(path, value);
              } else {
                @SuppressWarnings("unchecked")
                Map<String, Object> section =
                    (Map<String, Object>)
                        tree.computeIfAbsent(path.substring(0, dot), s -> new LinkedHashMap<>());
                section.put(path.substring(dot + 1), value);
              }
            });
    return fromTree(tree, false, null, null);
  }

  /** Validates an already-loaded tree (YAML or built in code). */
  static SweepSpec fromTree(Map<?, ?> tree) {
    return fromTree(tree, true, null, null);
  }

  /**
   * {@link #fromTree(Map)}; {@code training} false for a spec read back from the {@code sweeps}
   * table, which was valid when it ran: the combinations a parameterization does not define (now
   * refused before any run trains) are not checked again, so its sweep's status and analyses still
   * read. A {@code configs:} file is read relative to {@code dir} (null: the working directory);
   * {@code configs}, when not null, replaces it.
   */
  private static SweepSpec fromTree(
      Map<?, ?> tree, boolean training, Path dir, List<Configs.Line> configs) {
    Map<String, Object> flat = new LinkedHashMap<>();
    for (Map.Entry<?, ?> e : tree.entrySet()) {
      String k = String.valueOf(e.getKey());
      if (SpecKeys.SECTIONS.contains(k)) {
        if (!(e.getValue() instanceof Map<?, ?> section)) {
          throw UserError.wrongType(k, e.getValue(), "a mapping of keys");
        }
        for (Map.Entry<?, ?> inner : section.entrySet()) {
          String path = k + "." + inner.getKey();
          if (!SpecKeys.BY_PATH.containsKey(path)) {
            throw unknownKey(path, k);
          }
          flat.put(path, inner.getValue());
        }
      } else if (SpecKeys.BY_PATH.containsKey(k) && SpecKeys.BY_PATH.get(k).section().isEmpty()) {
        flat.put(k, e.getValue());
      } else {
        throw unknownKey(k, "");
      }
    }
    if (!flat.containsKey(SpecKeys.NAME.path())) {
      throw UserError.missing(
          "name", "every sweep needs a name (" + SpecKeys.NAME.rule().text() + ")");
    }
    String name = (String) scalar(SpecKeys.NAME, flat);
    String description = (String) scalar(SpecKeys.DESCRIPTION, flat);
    long seed = (Long) scalar(SpecKeys.SEED, flat);
    int repeats = (Integer) scalar(SpecKeys.REPEATS, flat);
    int maxRuns = (Integer) scalar(SpecKeys.MAX_RUNS, flat);
    if (flat.get(SpecKeys.RUN_TIMEOUT.path()) instanceof Number n) {
      flat.put(SpecKeys.RUN_TIMEOUT.path(), n.toString()); // plain seconds: 90 means 90s
    }
    String runTimeout = ((String) scalar(SpecKeys.RUN_TIMEOUT, flat)).trim();
    if (flat.get(SpecKeys.DISTRIBUTED_ABOVE.path()) instanceof Number n) {
      // YAML reads 2e12 as a number, "2e12" as text: both mean the same threshold.
      flat.put(SpecKeys.DISTRIBUTED_ABOVE.path(), n.toString());
    }
    String distributedAbove = ((String) scalar(SpecKeys.DISTRIBUTED_ABOVE, flat)).trim();
    checkFits(runTimeout, distributedAbove);
    int distributedWorkers = (Integer) scalar(SpecKeys.DISTRIBUTED_WORKERS, flat);

    if (flat.get(SpecKeys.VAL_SIZE.path()) instanceof Number n) {
      flat.put(SpecKeys.VAL_SIZE.path(), n.toString()); // a count: 2000 and "2000" mean the same
    }
    Map<Key, List<Object>> values = new LinkedHashMap<>();
    Map<Key, Distribution> distributions = new LinkedHashMap<>();
    for (Key key : SpecKeys.RUN) {
      if (flat.get(key.path()) instanceof Map<?, ?> map && Distribution.meant(map)) {
        distributions.put(key, Distribution.parse(key, map));
        values.put(key, List.of(key.defaultValue())); // replaced by the values drawn
        continue;
      }
      values.put(
          key,
          flat.containsKey(key.path())
              ? Values.parse(key, flat.get(key.path()))
              : List.of(key.defaultValue()));
    }
    if (values.get(SpecKeys.TASK).get(0).equals("regression")
        && !flat.containsKey(SpecKeys.LOSS.path())) {
      // The task's loss, before a configuration that leaves dataset.loss out takes it as its own.
      values.put(SpecKeys.LOSS, List.of(RunConfig.defaultLoss("regression")));
    }
    SearchParser.Chosen chosen =
        SearchParser.search(flat, values, distributions, seed, repeats, maxRuns, dir, configs);
    Search search = chosen.search();
    // A configurations list is a list, not a grid: its cross-key rules hold line by line (below),
    // where the union of the lines' values would pair a line's value with another line's. A random
    // search draws each key independently, so the union of its draws stands for the combinations
    // its distributions can draw, and is checked as a grid is, whatever the seed.
    boolean perConfiguration = chosen.where() != null;
    Map<Key, List<Object>> searched = new LinkedHashMap<>();
    for (Key key : search.keys()) {
      Set<Object> distinct = new LinkedHashSet<>();
      search.points().forEach(point -> distinct.add(point.get(key)));
      searched.put(key, List.copyOf(distinct));
    }
    values.putAll(searched);
    crossCheck(flat, values, !perConfiguration);
    searched.forEach(
        (key, v) -> {
          if (!values.get(key).equals(v)) {
            throw UserError.of(
                key.path()
                    + " = "
                    + v
                    + " in the "
                    + search.method()
                    + " search is fixed at "
                    + values.get(key)
                    + " by the rest of the spec (the data set or the task): leave it out of the"
                    + " search");
          }
        });
    if (perConfiguration) {
      for (int i = 0; i < search.points().size(); i++) {
        Map<Key, List<Object>> one = new LinkedHashMap<>(values);
        search.points().get(i).forEach((key, v) -> one.put(key, List.of(v)));
        checkCombinations(one, chosen.where().get(i), training);
      }
    } else if (training) {
      checkParameterizations(values, null);
    }
    checkValSize(values);
    Map<Key, String> analysis = new LinkedHashMap<>();
    for (Key key : SpecKeys.ANALYSIS) {
      Object given = flat.get(key.path());
      if (key == SpecKeys.SCALING_Y && given != null && RETIRED_METRICS.containsKey(given)) {
        if (training) {
          throw UserError.of(
              key.path()
                  + " = '"
                  + given
                  + "' is no longer accepted: it was the minimum of the test curve, the test set"
                  + " choosing its own best point. Use "
                  + RETIRED_METRICS.get(given)
                  + " (the test value at the step of least validation loss) or best_val_loss;"
                  + " accepted: "
                  + key.rule().text().replaceFirst("^must be one of ", ""));
        }
        analysis.put(key, (String) given); // a recorded spec of a sweep that ran with it
        continue;
      }
      // Analysis values are kept as text; a number (analysis.bootstrap) as its decimal form.
      analysis.put(key, String.valueOf(scalar(key, flat)));
    }
    checkAnalysis(analysis, values);
    checkAnalysisGroups(analysis, values, search);
    if (training) {
      checkValidationMetric(analysis, values);
    }
    SweepSpec spec =
        new SweepSpec(
            name,
            description,
            seed,
            repeats,
            maxRuns,
            runTimeout,
            distributedAbove,
            distributedWorkers,
            values,
            analysis,
            search);
    if (search.grid()) {
      SearchParser.checkCount(values, List.of(), null, 1, repeats, maxRuns);
    }
    checkWarmup(spec);
    if (training && !distributedAbove.equals("none")) {
      for (RunConfig run : spec.expand().stream().filter(spec::distributed).toList()) {
        if (run.outputScale() != 1) {
          throw notDataParallel(
              SpecKeys.OUTPUT_SCALE.path() + " = " + run.outputScale(),
              "DL4J's parameter averaging takes the network's own loss",
              run,
              distributedAbove,
              "leave output_scale at 1");
        }
        if (run.readoutOnly()) {
          // Averaging k equal floats need not return the float itself (3a rounds before / 3),
          // so the frozen layers would drift by rounding from their initial values.
          throw notDataParallel(
              SpecKeys.TRAIN.path() + " = " + run.train(),
              "DL4J's parameter averaging averages every layer, frozen or not, and rounds",
              run,
              distributedAbove,
              "use train: all");
        }
        if (!run.schedule().equals("constant") || run.warmupSteps() > 0) {
          // DL4J's parameter averaging counts iterations per worker, so a schedule over the
          // run's total steps would stretch by the number of workers.
          throw notDataParallel(
              SpecKeys.SCHEDULE.path()
                  + " = "
                  + run.schedule()
                  + " with "
                  + SpecKeys.WARMUP_STEPS.path()
                  + " = "
                  + run.warmupSteps(),
              "DL4J's parameter averaging counts each worker's steps apart",
              run,
              distributedAbove,
              "use schedule: constant without warmup");
        }
      }
    }
    return spec;
  }

  /** A setting that a run trained data-parallel (above limits.distributed_above) cannot have. */
  private static UserError notDataParallel(
      String setting, String why, RunConfig run, String distributedAbove, String remedy) {
    return UserError.of(
        setting
            + " is not trained data-parallel ("
            + why
            + "), and a run of width "
            + run.width()
            + " costs more than "
            + SpecKeys.DISTRIBUTED_ABOVE.path()
            + " = "
            + distributedAbove
            + ": raise it above "
            + String.format(java.util.Locale.ROOT, "%.3g", run.cost())
            + " or "
            + remedy);
  }

  /**
   * Scaling metrics that read the test curve's own minimum, retired for the validation-based ones
   * named here; a spec recorded in the {@code sweeps} table with one still reads back.
   */
  private static final Map<Object, String> RETIRED_METRICS =
      Map.of("best_test_loss", "test_loss_at_best", "best_test_error", "test_error_at_best");

  /** Scaling metrics that exist only with a validation split. */
  private static final List<String> VALIDATION_METRICS =
      List.of("best_val_loss", "test_loss_at_best", "test_error_at_best");

  /**
   * An explicit {@code dataset.val_size} of a file-backed set must fit in its training file beyond
   * the largest training subset, so the validation samples overlap no training subset of the sweep
   * (the pre-flight check repeats this against the files' sizes; with {@code subset: balanced} the
   * class-by-class room is checked when a run's data is built, which needs the labels, and a run
   * without room fails naming val_size).
   */
  private static void checkValSize(Map<Key, List<Object>> values) {
    String given = (String) values.get(SpecKeys.VAL_SIZE).get(0);
    String dataset = (String) values.get(SpecKeys.DATASET).get(0);
    DataShapes shape = DataShapes.of(dataset);
    if (given.equals(RunConfig.VAL_AUTO) || shape == null) {
      return;
    }
    int largest = SweepSpec.largestTrainSize(values);
    int left = Math.max(0, shape.trainMax() - largest);
    if (Integer.parseInt(given) > left) {
      throw UserError.badValue(
          SpecKeys.VAL_SIZE.path(),
          given,
          "must be at most "
              + left
              + ": "
              + dataset
              + "'s training file holds "
              + shape.trainMax()
              + " samples and the largest dataset.train_size is "
              + largest
              + " (validation samples come from the rest); give a smaller value, 0 for no"
              + " validation, or a smaller train_size");
    }
  }

  /** A scaling metric chosen on the validation split needs one, and so does lr_transfer. */
  private static void checkValidationMetric(
      Map<Key, String> analysis, Map<Key, List<Object>> values) {
    if (analysis.get(SpecKeys.LR_TRANSFER).equals("yes") && SweepSpec.valSize(values) == 0) {
      String given = (String) values.get(SpecKeys.VAL_SIZE).get(0);
      throw UserError.of(
          SpecKeys.LR_TRANSFER.path()
              + " = 'yes' compares learning rates by best_val_loss, but "
              + SpecKeys.VAL_SIZE.path()
              + " = "
              + given
              + (given.equals(RunConfig.VAL_AUTO) ? " leaves no validation samples" : "")
              + ": give dataset.val_size > 0, or leave "
              + SpecKeys.LR_TRANSFER.path()
              + " out");
    }
    String metric = analysis.get(SpecKeys.SCALING_Y);
    if (!VALIDATION_METRICS.contains(metric)) {
      return;
    }
    String given = (String) values.get(SpecKeys.VAL_SIZE).get(0);
    if (SweepSpec.valSize(values) == 0) {
      throw UserError.of(
          SpecKeys.SCALING_Y.path()
              + " = '"
              + metric
              + "' is chosen on the validation split, but "
              + SpecKeys.VAL_SIZE.path()
              + " = "
              + given
              + (given.equals(RunConfig.VAL_AUTO) ? " leaves no validation samples" : "")
              + ": give dataset.val_size > 0, or a metric that needs none (final_test_loss,"
              + " final_test_error, final_train_loss)");
    }
  }

  /**
   * The limits written as text must fit what holds them: the run timeout a long count of
   * nanoseconds from the run's start, the distributed threshold a finite double.
   */
  private static void checkFits(String runTimeout, String distributedAbove) {
    if (SweepSpec.durationMs(runTimeout).compareTo(BigDecimal.valueOf(SweepSpec.MAX_RUN_TIMEOUT_MS))
        > 0) {
      throw UserError.badValue(
          SpecKeys.RUN_TIMEOUT.path(),
          runTimeout,
          "must be at most "
              + SweepSpec.MAX_RUN_TIMEOUT_MS / 3_600_000
              + "h ("
              + SweepSpec.MAX_RUN_TIMEOUT_MS / 1000
              + "s, the longest span the 64-bit nanosecond deadline holds), or 'none'");
    }
    if (!distributedAbove.equals("none")
        && !Double.isFinite(Double.parseDouble(distributedAbove))) {
      throw UserError.badValue(
          SpecKeys.DISTRIBUTED_ABOVE.path(),
          distributedAbove,
          "must be at most " + Double.MAX_VALUE + " (the largest double), or 'none'");
    }
  }

  /**
   * An unknown key in {@code section} ("" for the top level), suggesting the keys of that name in
   * other sections: {@code epochs} at the top level is {@code training.epochs}.
   */
  private static UserError unknownKey(String path, String section) {
    String leaf =
        section.isEmpty()
            ? path.substring(path.lastIndexOf('.') + 1)
            : path.substring(section.length() + 1);
    List<String> elsewhere = new ArrayList<>();
    for (Key key : SpecKeys.BY_PATH.values()) {
      if (key.leaf().equals(leaf) && !key.section().equals(section)) {
        elsewhere.add(key.path());
      }
    }
    return UserError.unknownKey(path, SpecKeys.acceptedIn(section), elsewhere);
  }

  /**
   * An analysis axis must be swept (or be the step), width exponents need two widths, learning-rate
   * transfer three rates and two widths, and the joint fit needs its partner.
   */
  private static void checkAnalysis(Map<Key, String> analysis, Map<Key, List<Object>> values) {
    for (Key key : List.of(SpecKeys.DOUBLE_DESCENT_X, SpecKeys.SCALING_X, SpecKeys.SCALING_X2)) {
      String axis = analysis.get(key);
      if (axis.isEmpty() || axis.equals("step")) {
        continue;
      }
      Key swept = axis.equals("params") ? SpecKeys.WIDTH : SpecKeys.BY_PATH.get(pathOf(axis));
      if (values.get(swept).size() < 3) {
        throw UserError.of(
            key.path()
                + " = '"
                + axis
                + "' needs at least 3 values of "
                + swept.path()
                + ", found "
                + values.get(swept).size()
                + ": sweep it, or leave "
                + key.path()
                + " out");
      }
    }
    int widths = values.get(SpecKeys.WIDTH).size();
    if (analysis.get(SpecKeys.WIDTH_EXPONENTS).equals("yes") && widths < 2) {
      throw UserError.of(
          SpecKeys.WIDTH_EXPONENTS.path()
              + " = 'yes' needs at least 2 values of "
              + SpecKeys.WIDTH.path()
              + " (an exponent is a slope in width), found "
              + widths
              + ": sweep "
              + SpecKeys.WIDTH.path()
              + ", or leave "
              + SpecKeys.WIDTH_EXPONENTS.path()
              + " out");
    }
    if (analysis.get(SpecKeys.LR_TRANSFER).equals("yes")) {
      int rates = values.get(SpecKeys.LEARNING_RATE).size();
      if (rates < 3 || widths < 2) {
        throw UserError.of(
            SpecKeys.LR_TRANSFER.path()
                + " = 'yes' needs at least 3 values of "
                + SpecKeys.LEARNING_RATE.path()
                + " (an optimum inside a grid) and 2 of "
                + SpecKeys.WIDTH.path()
                + " (a transfer across widths), found "
                + rates
                + " and "
                + widths
                + ": sweep both, or leave "
                + SpecKeys.LR_TRANSFER.path()
                + " out");
      }
    }
    if (!analysis.get(SpecKeys.SCALING_X2).isEmpty()
        && !analysis.get(SpecKeys.SCALING_X).equals("params")) {
      throw UserError.badValue(
          SpecKeys.SCALING_X2.path(),
          analysis.get(SpecKeys.SCALING_X2),
          "needs analysis.scaling = params (the joint form is L(N, D))");
    }
  }

  /**
   * An analysis fits within groups of runs that share every other varying key ({@code
   * engine.Groups}), and a key a search draws (or a configurations list sets) varies from point to
   * point: when the analysis axis is such a key and another one is too, each group holds one point
   * and there is nothing to fit. A grid axis beside it is fine (each group holds every point), and
   * so is the joint fit's partner, which the groups leave out.
   */
  private static void checkAnalysisGroups(
      Map<Key, String> analysis, Map<Key, List<Object>> values, Search search) {
    List<Key> varying = search.keys().stream().filter(key -> values.get(key).size() > 1).toList();
    if (varying.size() < 2) {
      return;
    }
    Key x = axisKey(analysis.get(SpecKeys.SCALING_X));
    Key x2 = axisKey(analysis.get(SpecKeys.SCALING_X2));
    List<Key> joint = x2 == null ? List.of() : List.of(x2);
    checkGroups(SpecKeys.SCALING_X, analysis, x, joint, varying, search);
    checkGroups(
        SpecKeys.SCALING_X2, analysis, x2, x == null ? List.of() : List.of(x), varying, search);
    checkGroups(
        SpecKeys.DOUBLE_DESCENT_X,
        analysis,
        axisKey(analysis.get(SpecKeys.DOUBLE_DESCENT_X)),
        List.of(),
        varying,
        search);
    if (analysis.get(SpecKeys.LR_TRANSFER).equals("yes")) {
      checkGroups(
          SpecKeys.LR_TRANSFER, analysis, SpecKeys.LEARNING_RATE, List.of(), varying, search);
    }
    if (analysis.get(SpecKeys.WIDTH_EXPONENTS).equals("yes")) {
      checkGroups(SpecKeys.WIDTH_EXPONENTS, analysis, SpecKeys.WIDTH, List.of(), varying, search);
    }
  }

  /** The run key an analysis axis names: width for params; null for none or the step. */
  private static Key axisKey(String axis) {
    if (axis.isEmpty() || axis.equals("step")) {
      return null;
    }
    return axis.equals("params") ? SpecKeys.WIDTH : SpecKeys.BY_PATH.get(pathOf(axis));
  }

  /** Refuses {@code fitted} varying per point beside a key other than {@code partners}. */
  private static void checkGroups(
      Key analysisKey,
      Map<Key, String> analysis,
      Key fitted,
      List<Key> partners,
      List<Key> varying,
      Search search) {
    if (fitted == null || !varying.contains(fitted)) {
      return;
    }
    for (Key other : varying) {
      if (other == fitted || partners.contains(other)) {
        continue;
      }
      boolean random = search.method().equals("random");
      throw UserError.of(
          analysisKey.path()
              + " = '"
              + analysis.get(analysisKey)
              + "' fits across "
              + fitted.path()
              + (random
                  ? ", which the random search draws, and the search also draws "
                  : ", which varies from line to line of the configurations, and so does ")
              + other.path()
              + ": the analysis groups runs by every other key that varies, so each group holds"
              + " one "
              + (random ? "draw" : "configuration")
              + " and there is nothing to fit. "
              + (random ? "Make " : "Set it in the spec rather than the lines: make ")
              + other.path()
              + " a grid axis (a list) or give it one value, or leave "
              + analysisKey.path()
              + " out");
    }
  }

  private static String pathOf(String column) {
    for (Key key : SpecKeys.RUN) {
      if (key.column().equals(column)) {
        return key.path();
      }
    }
    throw new IllegalArgumentException(column);
  }

  /**
   * Shape keys come from the data set; sizes must fit its files; the path gets its default; the
   * input spectrum is the files'.
   */
  private static void fileBacked(
      Map<String, Object> flat, Map<Key, List<Object>> values, String dataset, DataShapes shape) {
    // A value equal to what the data set implies is no conflict (a recorded spec lists them all).
    Map<Key, Object> implied =
        Map.of(
            SpecKeys.INPUT_DIM, shape.inputDim(),
            SpecKeys.CLASSES, shape.classes(),
            SpecKeys.TEACHER_WIDTH, SpecKeys.TEACHER_WIDTH.defaultValue(),
            SpecKeys.TASK, "classification");
    for (Key key :
        List.of(SpecKeys.INPUT_DIM, SpecKeys.CLASSES, SpecKeys.TEACHER_WIDTH, SpecKeys.TASK)) {
      if (flat.containsKey(key.path()) && !values.get(key).equals(List.of(implied.get(key)))) {
        throw UserError.of(
            key.path()
                + " = "
                + UserError.show(flat.get(key.path()))
                + " is fixed by dataset.name = "
                + dataset
                + " ("
                + shape.inputDim()
                + " inputs, "
                + shape.classes()
                + " classes, classification): remove it");
      }
    }
    if (values.get(SpecKeys.INPUT_SPECTRUM).stream().anyMatch(s -> (Double) s != 0)) {
      throw UserError.of(
          SpecKeys.INPUT_SPECTRUM.path()
              + " = "
              + UserError.show(flat.get(SpecKeys.INPUT_SPECTRUM.path()))
              + " applies to dataset.name = teacher_student only: "
              + dataset
              + " reads its inputs from files, whose spectrum is theirs; remove it");
    }
    values.put(SpecKeys.INPUT_DIM, List.of(shape.inputDim()));
    values.put(SpecKeys.CLASSES, List.of(shape.classes()));
    for (Object n : values.get(SpecKeys.TRAIN_SIZE)) {
      if ((Integer) n > shape.trainMax()) {
        throw UserError.badValue(
            SpecKeys.TRAIN_SIZE.path(), n, "must be <= " + shape.trainMax() + " for " + dataset);
      }
    }
    for (Object n : values.get(SpecKeys.TEST_SIZE)) {
      if ((Integer) n > shape.testMax()) {
        throw UserError.badValue(
            SpecKeys.TEST_SIZE.path(), n, "must be <= " + shape.testMax() + " for " + dataset);
      }
    }
    if (values.get(SpecKeys.DATA_PATH).get(0).equals("")) {
      if (shape.defaultPath().isEmpty()) {
        throw UserError.missing(
            SpecKeys.DATA_PATH.path(),
            dataset + " has no default location: give the directory (or Hadoop URI) of its files");
      }
      values.put(SpecKeys.DATA_PATH, List.of(shape.defaultPath()));
    }
  }

  /** The one value of {@code key} in {@code flat}, typed and checked; its default when absent. */
  static Object scalar(Key key, Map<String, Object> flat) {
    if (!flat.containsKey(key.path())) {
      return key.defaultValue();
    }
    Object raw = flat.get(key.path());
    if (raw instanceof List || raw instanceof Map) {
      throw UserError.badValue(key.path(), raw, "takes one value, not a list or a mapping");
    }
    return Values.one(key, raw);
  }

  /**
   * Every (parameterization, optimizer, depth) the grid combines must be one the parameterization
   * defines ({@link Parameterization#undefinedFor}): ntk with adam and mean_field deeper than one
   * hidden layer are not; nor is {@code model.output_scale} other than 1 with adam. {@code where}
   * names the configuration of a configurations list whose values these are (null: the spec's).
   */
  private static void checkParameterizations(Map<Key, List<Object>> values, String where) {
    boolean scaled = values.get(SpecKeys.OUTPUT_SCALE).stream().anyMatch(a -> (Double) a != 1);
    if (scaled && values.get(SpecKeys.OPTIMIZER).contains("adam")) {
      throw UserError.of(
          prefix(where)
              + SpecKeys.OUTPUT_SCALE.path()
              + " = "
              + (where == null
                  ? values.get(SpecKeys.OUTPUT_SCALE)
                  : shown(values.get(SpecKeys.OUTPUT_SCALE)))
              + " is not defined with "
              + SpecKeys.OPTIMIZER.path()
              + " = adam: Chizat & Bach's lazy limit divides the loss by alpha^2 so that a"
              + " gradient step moves the parameters by O(1/alpha); Adam normalises the"
              + " gradient's scale away, so the parameters move as much as at alpha = 1 and the"
              + " output alpha times more: use training.optimizer: sgd");
    }
    for (Object name : values.get(SpecKeys.PARAMETERIZATION)) {
      Parameterization p = Parameterization.of((String) name);
      for (Object optimizer : values.get(SpecKeys.OPTIMIZER)) {
        for (Object depth : values.get(SpecKeys.DEPTH)) {
          String reason = p.undefinedFor((Integer) depth, (String) optimizer);
          if (reason != null) {
            throw UserError.of(
                prefix(where)
                    + SpecKeys.PARAMETERIZATION.path()
                    + " = "
                    + name
                    + " is not defined with "
                    + SpecKeys.OPTIMIZER.path()
                    + " = "
                    + optimizer
                    + " and "
                    + SpecKeys.DEPTH.path()
                    + " = "
                    + depth
                    + ": "
                    + reason);
          }
        }
      }
    }
  }

  /**
   * The cross-key rules of one configuration of a configurations list, named {@code where}: its
   * values are the spec's with the line's in place, so only the spec's own axes still vary.
   */
  private static void checkCombinations(
      Map<Key, List<Object>> values, String where, boolean training) {
    boolean stepsGiven = values.get(SpecKeys.STEPS).stream().anyMatch(s -> (Integer) s > 0);
    if (stepsGiven
        && !values.get(SpecKeys.EPOCHS).equals(List.of(SpecKeys.EPOCHS.defaultValue()))) {
      throw UserError.of(
          where
              + ": training.epochs = "
              + shown(values.get(SpecKeys.EPOCHS))
              + " and training.steps = "
              + shown(values.get(SpecKeys.STEPS))
              + " are both set in this configuration: give one of them (steps, when > 0, replaces"
              + " epochs)");
    }
    checkMomentum(values, shown(values.get(SpecKeys.MOMENTUM)), where);
    if (training) {
      checkParameterizations(values, where);
    }
  }

  /** How an error names a configuration: "" for the spec itself. */
  private static String prefix(String where) {
    return where == null ? "" : where + ": ";
  }

  /** A key's values as an error shows them: the value itself when there is one. */
  private static String shown(List<Object> values) {
    return UserError.show(values.size() == 1 ? values.get(0) : values);
  }

  /**
   * {@code grid} false for a configurations list, whose cross-key rules are checked per line
   * ({@link #checkCombinations}).
   */
  private static void crossCheck(
      Map<String, Object> flat, Map<Key, List<Object>> values, boolean grid) {
    String dataset = (String) values.get(SpecKeys.DATASET).get(0);
    DataShapes shape = DataShapes.of(dataset);
    if (shape == null) {
      for (Key key : List.of(SpecKeys.DATA_PATH, SpecKeys.NORMALIZE, SpecKeys.SUBSET)) {
        if (!values.get(key).equals(List.of(key.defaultValue()))) {
          throw UserError.of(
              key.path()
                  + " = "
                  + UserError.show(values.get(key).get(0))
                  + " applies to file-backed data sets only; dataset.name = "
                  + dataset
                  + " generates its data: remove it");
        }
      }
    } else {
      fileBacked(flat, values, dataset, shape);
    }
    if (values.get(SpecKeys.TASK).get(0).equals("regression")) {
      for (Object p : values.get(SpecKeys.LABEL_NOISE)) {
        if ((Double) p > 0) {
          throw UserError.badValue(
              SpecKeys.LABEL_NOISE.path(), p, "must be 0 for dataset.task = regression");
        }
      }
    }
    boolean stepsGiven = values.get(SpecKeys.STEPS).stream().anyMatch(s -> (Integer) s > 0);
    boolean epochsGiven =
        flat.containsKey(SpecKeys.EPOCHS.path())
            && !values.get(SpecKeys.EPOCHS).equals(List.of(SpecKeys.EPOCHS.defaultValue()));
    if (grid && stepsGiven && epochsGiven) {
      throw UserError.of(
          "training.epochs = "
              + UserError.show(flat.get(SpecKeys.EPOCHS.path()))
              + " and training.steps = "
              + UserError.show(flat.get(SpecKeys.STEPS.path()))
              + " are both set: give one of them (steps, when > 0, replaces epochs)");
    }
    if (values.get(SpecKeys.TASK).get(0).equals("classification")) {
      for (Object k : values.get(SpecKeys.CLASSES)) {
        if ((Integer) k < 2) {
          throw UserError.badValue(
              SpecKeys.CLASSES.path(), k, "must be >= 2 for dataset.task = classification");
        }
      }
    }
    checkTraining(flat, values);
    if (grid) {
      checkMomentum(values, UserError.show(flat.get(SpecKeys.MOMENTUM.path())), null);
    }
  }

  /**
   * The loss fits the task: regression trains on squared error only, and takes it when {@code
   * dataset.loss} is left out.
   */
  private static void checkTraining(Map<String, Object> flat, Map<Key, List<Object>> values) {
    if (values.get(SpecKeys.TASK).get(0).equals("regression")) {
      if (values.get(SpecKeys.LOSS).contains("cross_entropy")
          && flat.containsKey(SpecKeys.LOSS.path())) {
        throw UserError.badValue(
            SpecKeys.LOSS.path(),
            flat.get(SpecKeys.LOSS.path()),
            "must be mse for dataset.task = regression (cross_entropy needs classes): remove it"
                + " or use dataset.task: classification");
      }
      values.put(SpecKeys.LOSS, List.of(RunConfig.defaultLoss("regression")));
    }
  }

  /** Momentum is SGD's: Adam keeps its own moment estimates. {@code shown}: momentum as given. */
  private static void checkMomentum(Map<Key, List<Object>> values, String shown, String where) {
    boolean momentum = values.get(SpecKeys.MOMENTUM).stream().anyMatch(m -> (Double) m != 0);
    if (momentum && values.get(SpecKeys.OPTIMIZER).contains("adam")) {
      throw UserError.of(
          prefix(where)
              + SpecKeys.MOMENTUM.path()
              + " = "
              + shown
              + " is not defined with "
              + SpecKeys.OPTIMIZER.path()
              + " = adam (Adam's beta1 is its momentum): use training.optimizer: sgd, or leave"
              + " training.momentum out (0)");
    }
  }

  /**
   * Warmup fits in every run: {@code training.warmup_steps} at most the run's steps ({@link
   * RunConfig#totalSteps}), which depend on the other axes.
   */
  private static void checkWarmup(SweepSpec spec) {
    if (spec.values().get(SpecKeys.WARMUP_STEPS).stream().allMatch(w -> (Integer) w == 0)) {
      return;
    }
    for (RunConfig run : spec.expand()) {
      if (run.warmupSteps() > run.totalSteps()) {
        throw UserError.badValue(
            SpecKeys.WARMUP_STEPS.path(),
            run.warmupSteps(),
            "must be at most the run's steps, "
                + run.totalSteps()
                + " for train_size "
                + run.trainSize()
                + ", batch_size "
                + run.batchSize()
                + (run.steps() > 0 ? ", steps " + run.steps() : ", epochs " + run.epochs())
                + ": shorten the warmup or train longer");
      }
    }
  }
}
