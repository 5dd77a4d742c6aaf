package dev.sweeplab.store;

import dev.sweeplab.spec.Key;
import dev.sweeplab.spec.RunConfig;
import dev.sweeplab.spec.SpecKeys;
import dev.sweeplab.train.CurvePoint;
import dev.sweeplab.train.RunResult;
import java.util.Map;
import java.util.TreeMap;
import org.apache.parquet.example.data.Group;
import org.apache.parquet.example.data.simple.SimpleGroupFactory;
import org.apache.parquet.schema.GroupType;
import org.apache.parquet.schema.LogicalTypeAnnotation;
import org.apache.parquet.schema.MessageType;
import org.apache.parquet.schema.PrimitiveType.PrimitiveTypeName;
import org.apache.parquet.schema.Types;

/**
 * The Parquet schema of a staged run file: the {@code runs} row (every config column, the results,
 * the provenance) plus its learning curve as a nested list, so one file holds one run and the
 * commit splits it into {@code runs} and {@code curves}. {@code numerics} is the {@link
 * dev.sweeplab.train.Numerics} version that computed the run.
 */
public final class RunSchema {
  /** Name of the nested learning-curve column. */
  public static final String CURVE = "curve";

  /** Config column → type: the keys of {@code RunConfig.columns()}. */
  public static final Map<String, Key.Type> CONFIG_COLUMNS = configColumns();

  /** The schema every staged file is written with. */
  public static final MessageType MESSAGE = build();

  private RunSchema() {}

  private static Map<String, Key.Type> configColumns() {
    Map<String, Key.Type> columns = new TreeMap<>();
    columns.put("sweep_seed", Key.Type.LONG);
    columns.put("repeat", Key.Type.INT);
    for (Key key : SpecKeys.RUN) {
      columns.put(key.column(), key.type());
    }
    // The spec may say "auto"; the column holds the count the run used (RunConfig.valSize).
    columns.put(SpecKeys.VAL_SIZE.column(), Key.Type.INT);
    return columns;
  }

  private static MessageType build() {
    Types.MessageTypeBuilder m = Types.buildMessage();
    string(m, "sweep");
    string(m, "run_id");
    CONFIG_COLUMNS.forEach(
        (name, type) -> {
          switch (type) {
            case INT -> m.required(PrimitiveTypeName.INT32).named(name);
            case LONG -> m.required(PrimitiveTypeName.INT64).named(name);
            case DOUBLE -> m.required(PrimitiveTypeName.DOUBLE).named(name);
            case STRING -> string(m, name);
          }
        });
    m.required(PrimitiveTypeName.INT64).named("seed");
    m.required(PrimitiveTypeName.INT64).named("data_seed");
    string(m, "config_json");
    m.required(PrimitiveTypeName.INT32).named("numerics");
    string(m, "status");
    string(m, "reason");
    m.required(PrimitiveTypeName.INT64).named("params");
    for (String c :
        new String[] {
          "final_train_loss", "final_train_error", "final_test_loss", "final_test_error"
        }) {
      m.required(PrimitiveTypeName.DOUBLE).named(c);
    }
    // Early stopping on validation: null when the run has no validation split.
    m.optional(PrimitiveTypeName.DOUBLE).named("best_val_loss");
    m.optional(PrimitiveTypeName.INT64).named("best_step");
    m.optional(PrimitiveTypeName.DOUBLE).named("test_loss_at_best");
    m.optional(PrimitiveTypeName.DOUBLE).named("test_error_at_best");
    // Samples every curve point is evaluated on: null for a run that failed before evaluating.
    m.optional(PrimitiveTypeName.INT32).named("eval_train_size");
    m.optional(PrimitiveTypeName.INT32).named("eval_test_size");
    m.required(PrimitiveTypeName.INT64).named("steps_done");
    m.required(PrimitiveTypeName.DOUBLE).named("epochs_done");
    m.required(PrimitiveTypeName.INT64).named("wall_ms");
    m.required(PrimitiveTypeName.DOUBLE).named("weight_change");
    m.addField(doubleList("weight_change_layers"));
    m.addField(doubleList("weight_change_spectral"));
    m.addField(doubleList("feature_change"));
    m.required(PrimitiveTypeName.INT64).named("interpolation_step");
    m.required(PrimitiveTypeName.INT32).named("noisy_labels");
    string(m, "implementation");
    for (String c :
        new String[] {
          "device",
          "trained_by",
          "sweeplab_version",
          "java_version",
          "os",
          "arch",
          "nd4j_backend",
          "native_libraries",
          "cpu_model",
          "spark_app_id",
          "executor_id",
          "host"
        }) {
      string(m, c);
    }
    m.required(PrimitiveTypeName.INT32).named("attempt");
    m.required(PrimitiveTypeName.INT64)
        .as(LogicalTypeAnnotation.timestampType(true, LogicalTypeAnnotation.TimeUnit.MILLIS))
        .named("finished_at");
    GroupType element =
        Types.requiredGroup()
            .required(PrimitiveTypeName.INT64)
            .named("step")
            .required(PrimitiveTypeName.DOUBLE)
            .named("epoch")
            .required(PrimitiveTypeName.DOUBLE)
            .named("train_loss")
            .required(PrimitiveTypeName.DOUBLE)
            .named("train_error")
            .required(PrimitiveTypeName.DOUBLE)
            .named("test_loss")
            .required(PrimitiveTypeName.DOUBLE)
            .named("test_error")
            .addField(doubleList("activations"))
            .addField(doubleList("activation_changes"))
            .optional(PrimitiveTypeName.DOUBLE)
            .named("val_loss")
            .optional(PrimitiveTypeName.DOUBLE)
            .named("val_error")
            .named("element");
    m.addField(
        Types.requiredGroup()
            .as(LogicalTypeAnnotation.listType())
            .addField(Types.repeatedGroup().addField(element).named("list"))
            .named(CURVE));
    return m.named("run");
  }

  /** A Parquet LIST of required doubles (the three-level form every reader understands). */
  private static GroupType doubleList(String name) {
    return Types.requiredGroup()
        .as(LogicalTypeAnnotation.listType())
        .addField(
            Types.repeatedGroup().required(PrimitiveTypeName.DOUBLE).named("element").named("list"))
        .named(name);
  }

  private static void string(Types.MessageTypeBuilder m, String name) {
    m.required(PrimitiveTypeName.BINARY).as(LogicalTypeAnnotation.stringType()).named(name);
  }

  /** Column names of the {@code runs} table, in file order (without the partition column). */
  public static java.util.List<String> runColumns() {
    return MESSAGE.getFields().stream()
        .map(org.apache.parquet.schema.Type::getName)
        .filter(n -> !n.equals(CURVE))
        .toList();
  }

  /**
   * The staged file's one row for {@code record}, trained by the maths of version {@code numerics}.
   */
  static Group row(RunRecord record, int numerics) {
    RunConfig c = record.config();
    RunResult r = record.result();
    Provenance p = record.provenance();
    Group g = new SimpleGroupFactory(RunSchema.MESSAGE).newGroup();
    g.add("sweep", c.sweep());
    g.add("run_id", c.runId());
    c.columns()
        .forEach(
            (name, value) -> {
              if (value instanceof Integer i) {
                g.add(name, i);
              } else if (value instanceof Long l) {
                g.add(name, l);
              } else if (value instanceof Double d) {
                g.add(name, d);
              } else {
                g.add(name, (String) value);
              }
            });
    g.add("seed", c.seed());
    g.add("data_seed", c.dataSeed());
    g.add("config_json", c.canonicalJson());
    g.add("numerics", numerics);
    g.add("status", r.status());
    g.add("reason", r.reason());
    g.add("params", r.params());
    g.add("final_train_loss", r.trainLoss());
    g.add("final_train_error", r.trainError());
    g.add("final_test_loss", r.testLoss());
    g.add("final_test_error", r.testError());
    CurvePoint best = r.best();
    if (best != null) {
      g.add("best_val_loss", best.valLoss());
      g.add("best_step", best.step());
      g.add("test_loss_at_best", best.testLoss());
      g.add("test_error_at_best", best.testError());
    }
    if (!r.curve().isEmpty()) {
      g.add("eval_train_size", r.evalTrainSize());
      g.add("eval_test_size", r.evalTestSize());
    }
    g.add("steps_done", r.steps());
    g.add("epochs_done", r.epochs());
    g.add("wall_ms", r.wallMs());
    g.add("weight_change", r.weightChange());
    addDoubles(g, "weight_change_layers", r.layerWeightChange());
    addDoubles(g, "weight_change_spectral", r.layerSpectralChange());
    addDoubles(g, "feature_change", r.featureChange());
    g.add("interpolation_step", r.interpolationStep());
    g.add("noisy_labels", r.noisyLabels());
    g.add("implementation", r.implementation());
    g.add("device", p.device());
    g.add("trained_by", p.trainedBy());
    g.add("sweeplab_version", p.version());
    g.add("java_version", p.java());
    g.add("os", p.os());
    g.add("arch", p.arch());
    g.add("nd4j_backend", p.nd4jBackend());
    g.add("native_libraries", p.nativeLibraries());
    g.add("cpu_model", p.cpuModel());
    g.add("spark_app_id", p.sparkAppId());
    g.add("executor_id", p.executorId());
    g.add("host", p.host());
    g.add("attempt", p.attempt());
    g.add("finished_at", record.finishedAtMillis());
    Group curve = g.addGroup(RunSchema.CURVE);
    for (CurvePoint point : r.curve()) {
      Group e = curve.addGroup("list").addGroup("element");
      e.add("step", point.step());
      e.add("epoch", point.epoch());
      e.add("train_loss", point.trainLoss());
      e.add("train_error", point.trainError());
      e.add("test_loss", point.testLoss());
      e.add("test_error", point.testError());
      addDoubles(e, "activations", point.activations());
      addDoubles(e, "activation_changes", point.activationChanges());
      if (c.valSize() > 0) {
        e.add("val_loss", point.valLoss());
        e.add("val_error", point.valError());
      }
    }
    return g;
  }

  private static void addDoubles(Group parent, String field, java.util.List<Double> values) {
    Group list = parent.addGroup(field);
    for (double v : values) {
      list.addGroup("list").add("element", v);
    }
  }
}
