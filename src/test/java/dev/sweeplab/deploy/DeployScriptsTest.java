package dev.sweeplab.deploy;

import static dev.sweeplab.deploy.DeployFiles.DEPLOY;
import static dev.sweeplab.deploy.DeployFiles.read;
import static dev.sweeplab.deploy.DeployFiles.run;
import static dev.sweeplab.deploy.DeployFiles.script;
import static dev.sweeplab.deploy.DeployFiles.valueOf;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The scripts and schedulers in deploy/ parse, and run against a fake nvidia-smi, a fake
 * spark-submit (which prints its arguments) and a stub Airflow, they submit what they say: the
 * cluster jar, {@code dev.sweeplab.cli.Main}, a properties file from conf/, a sweep from jobs/ and
 * arguments the sweeplab CLI accepts.
 */
class DeployScriptsTest {
  static final String MAIN = DeployFilesTest.MAIN;
  static final Path SUBMIT = DEPLOY.resolve("yarn/submit.sh");
  static final Path DISCOVERY = DEPLOY.resolve("getGpusResources.sh");
  static final Path CRON = DEPLOY.resolve("cron/sweeplab-nightly.cron");
  static final Path DAG = DEPLOY.resolve("airflow/sweeplab_nightly.py");
  static final Path PYTHON = Path.of("/usr/bin/python3");
  static final ObjectMapper JSON = new ObjectMapper();

  @TempDir Path tmp;

  static List<Path> shellScripts() {
    List<Path> scripts =
        DeployFiles.filesUnder(DEPLOY).stream().filter(p -> p.toString().endsWith(".sh")).toList();
    assertTrue(scripts.containsAll(List.of(SUBMIT, DISCOVERY)), "deploy/ scripts: " + scripts);
    return scripts;
  }

  @Test
  void shellScriptsAreExecutableAndParse() {
    for (Path sh : shellScripts()) {
      assertTrue(Files.isExecutable(sh), sh + " is executable (Spark runs the discovery script)");
      String text = read(sh);
      assertTrue(text.startsWith("#!/usr/bin/env bash\n"), sh + " starts with a bash shebang");
      assertTrue(text.contains("\nset -euo pipefail\n"), sh + " sets -euo pipefail");
      DeployFiles.Result r = run(List.of("bash", "-n", sh.toString()), Map.of(), tmp);
      assertEquals(0, r.exit(), sh + " fails bash -n:\n" + r.both());
    }
  }

  @Test
  void shellScriptsPassShellcheck() {
    Path shellcheck = Path.of("/usr/bin/shellcheck");
    assumeTrue(Files.isExecutable(shellcheck), "shellcheck is not installed");
    for (Path sh : shellScripts()) {
      DeployFiles.Result r = run(List.of(shellcheck.toString(), sh.toString()), Map.of(), tmp);
      assertEquals(0, r.exit(), sh + " has shellcheck findings:\n" + r.both());
    }
  }

  @Test
  void discoveryScriptPrintsTheGpusAsSparkResourceJson() throws IOException {
    Path bin = Files.createDirectories(tmp.resolve("bin"));
    // Answers only the query Spark's own example script makes.
    script(
        bin,
        "nvidia-smi",
        "[ \"$*\" = '--query-gpu=index --format=csv,noheader' ] || exit 3\nprintf '0\\n1\\n'\n");
    Map<String, String> env = Map.of("PATH", bin + ":/usr/bin:/bin");
    DeployFiles.Result r = run(List.of(DISCOVERY.toAbsolutePath().toString()), env, tmp);
    assertEquals(0, r.exit(), DISCOVERY + " with nvidia-smi listing GPUs 0 and 1:\n" + r.both());
    JsonNode gpus = JSON.readTree(r.out());
    assertEquals("gpu", gpus.path("name").asText(), DISCOVERY + ": name, got " + r.out());
    assertEquals(
        JSON.readTree("[\"0\",\"1\"]"), gpus.path("addresses"), DISCOVERY + ": " + r.out());

    // No driver: an empty list (Spark then refuses the executor, naming the resource) and
    // nvidia-smi's own complaint on stderr, not a silent exit.
    // nvidia-smi prints its failure on stdout.
    script(bin, "nvidia-smi", "echo 'NVIDIA-SMI has failed: no driver'\nexit 9\n");
    r = run(List.of(DISCOVERY.toAbsolutePath().toString()), env, tmp);
    assertNoGpus(r, "when nvidia-smi fails");
    assertTrue(r.err().contains("NVIDIA-SMI has failed"), DISCOVERY + " passes on:\n" + r.both());
    Files.delete(bin.resolve("nvidia-smi"));
    r = run(List.of(DISCOVERY.toAbsolutePath().toString()), env, tmp);
    assertNoGpus(r, "without nvidia-smi");
  }

  static void assertNoGpus(DeployFiles.Result r, String when) throws IOException {
    assertEquals(0, r.exit(), DISCOVERY + " " + when + ":\n" + r.both());
    JsonNode gpus = JSON.readTree(r.out());
    assertEquals("gpu", gpus.path("name").asText(), DISCOVERY + " " + when + ": " + r.out());
    assertEquals(
        JSON.readTree("[]"), gpus.path("addresses"), DISCOVERY + " " + when + ": " + r.out());
  }

  /** A fake spark-submit that prints its arguments one per line, and a stand-in cluster jar. */
  Map<String, String> fakeSparkSubmit() throws IOException {
    Path bin = Files.createDirectories(tmp.resolve("fake-bin"));
    script(bin, "spark-submit", "printf '%s\\n' \"$@\"\n");
    Path jar = Files.writeString(tmp.resolve("sweeplab-cluster.jar"), "not a jar");
    Map<String, String> env = new HashMap<>();
    env.put("PATH", bin + ":/usr/bin:/bin");
    env.put("SWEEPLAB_JAR", jar.toString());
    env.put("HOME", tmp.toString());
    return env;
  }

  /**
   * Checks a spark-submit command line that deploy/ produced: YARN cluster mode, sweeplab's main
   * class and jar, an existing properties file, the sweep file shipped to the driver, and
   * application arguments the CLI accepts. Returns the application arguments.
   */
  static List<String> assertSubmits(List<String> args, String jar, String where) {
    assertEquals("yarn", valueOf(args, "--master", where), where + ": --master");
    assertEquals("cluster", valueOf(args, "--deploy-mode", where), where + ": --deploy-mode");
    assertEquals(MAIN, valueOf(args, "--class", where), where + ": --class");
    DeployFiles.mainClass(MAIN, where);
    Path properties = Path.of(valueOf(args, "--properties-file", where));
    assertTrue(Files.isRegularFile(properties), where + ": --properties-file " + properties);
    int jarAt = args.indexOf(jar);
    assertTrue(jarAt > 0, where + " submits " + jar + ": " + args);
    List<String> app = args.subList(jarAt + 1, args.size());
    List<String> files = Arrays.asList(valueOf(args, "--files", where).split(","));
    for (String f : files) {
      assertTrue(Files.isRegularFile(Path.of(f)), where + ": --files " + f + " exists");
    }
    assertTrue(app.size() >= 2, where + ": run SPEC: " + app);
    assertTrue(
        files.stream().anyMatch(f -> Path.of(f).getFileName().toString().equals(app.get(1))),
        where + ": the sweep " + app.get(1) + " is shipped with --files " + files);
    DeployFiles.parseCli(MAIN, app, where);
    Map<String, Path> known = DeployFiles.keysOfConfFiles();
    for (String key : DeployFiles.confOptions(args).keySet()) {
      assertTrue(
          known.containsKey(key) || DeployFilesTest.EXTRA_KEYS.contains(key),
          where + ": unknown Spark property --conf " + key);
    }
    return app;
  }

  @Test
  void submitScriptSubmitsTheSweepToYarn() throws IOException {
    Map<String, String> env = fakeSparkSubmit();
    String jar = env.get("SWEEPLAB_JAR");
    List<String> cmd =
        List.of(
            SUBMIT.toString(),
            "jobs/scaling_teacher.yaml",
            "--warehouse",
            "hdfs:///w",
            "--night",
            "2026-01-01");
    DeployFiles.Result r = run(cmd, env, tmp);
    assertEquals(0, r.exit(), SUBMIT + ":\n" + r.both());
    List<String> args = r.out().lines().toList();
    List<String> app = assertSubmits(args, jar, SUBMIT + " (CPU)");
    assertEquals(
        List.of("run", "scaling_teacher.yaml", "--warehouse", "hdfs:///w"), app.subList(0, 4));
    assertTrue(
        valueOf(args, "--properties-file", "").endsWith("/conf/cluster-cpu.conf"),
        SUBMIT + ": CPU runs use conf/cluster-cpu.conf");
    assertTrue(DeployFiles.confOptions(args).isEmpty(), SUBMIT + ": CPU adds no --conf: " + args);

    List<String> gpuCmd = new ArrayList<>(cmd);
    gpuCmd.add(1, "--gpu");
    r = run(gpuCmd, env, tmp);
    assertEquals(0, r.exit(), SUBMIT + " --gpu:\n" + r.both());
    args = r.out().lines().toList();
    assertSubmits(args, jar, SUBMIT + " --gpu");
    Path properties = Path.of(valueOf(args, "--properties-file", ""));
    assertTrue(properties.endsWith("conf/cluster-gpu.conf"), SUBMIT + " --gpu: " + properties);
    Map<String, String> conf = DeployFiles.confOptions(args);
    assertEquals(
        "./getGpusResources.sh",
        conf.get("spark.executor.resource.gpu.discoveryScript"),
        SUBMIT + " --gpu: the discovery script, from the container's working directory");
    assertTrue(
        Arrays.stream(valueOf(args, "--files", "").split(","))
            .anyMatch(f -> Path.of(f).endsWith("deploy/getGpusResources.sh")),
        SUBMIT + " --gpu ships deploy/getGpusResources.sh");
    Map<String, String> effective = new LinkedHashMap<>(DeployFiles.sparkProperties(properties));
    effective.putAll(conf);
    for (String key :
        Set.of("spark.executor.resource.gpu.amount", "spark.task.resource.gpu.amount")) {
      assertTrue(effective.containsKey(key), SUBMIT + " --gpu sets " + key);
    }
  }

  @Test
  void submitScriptRefusesWhatCannotWorkOnYarn() throws IOException {
    Map<String, String> env = fakeSparkSubmit();
    DeployFiles.Result r = run(List.of(SUBMIT.toString(), "jobs/quickstart.yaml"), env, tmp);
    assertEquals(2, r.exit(), SUBMIT + " without --warehouse:\n" + r.both());
    assertTrue(r.err().contains("--warehouse"), SUBMIT + " says why:\n" + r.err());
    assertEquals("", r.out(), SUBMIT + " does not submit");

    r = run(List.of(SUBMIT.toString(), "jobs/nope.yaml", "--warehouse", "hdfs:///w"), env, tmp);
    assertEquals(2, r.exit(), SUBMIT + " with a missing sweep file:\n" + r.both());
    assertTrue(r.err().contains("jobs/nope.yaml"), SUBMIT + " names the file:\n" + r.err());
    assertEquals("", r.out(), SUBMIT + " does not submit");
  }

  static final Pattern CRON_FIELD = Pattern.compile("[0-9*,/-]+");
  static final Pattern ENV_LINE = Pattern.compile("[A-Za-z_][A-Za-z0-9_]*=.*");

  /** The crontab's one job line: five time fields and the command. */
  static String[] cronEntry() {
    List<String> entries =
        read(CRON)
            .lines()
            .map(String::strip)
            .filter(l -> !l.isEmpty() && !l.startsWith("#") && !ENV_LINE.matcher(l).matches())
            .toList();
    assertEquals(1, entries.size(), CRON + " holds one job line: " + entries);
    String[] parts = entries.get(0).split("\\s+", 6);
    assertEquals(6, parts.length, CRON + ": 5 time fields and a command");
    int[] max = {59, 23, 31, 12, 7};
    for (int i = 0; i < 5; i++) {
      assertTrue(CRON_FIELD.matcher(parts[i]).matches(), CRON + ": time field " + parts[i]);
      if (parts[i].matches("\\d+")) {
        assertTrue(Integer.parseInt(parts[i]) <= max[i], CRON + ": time field " + parts[i]);
      }
    }
    return parts;
  }

  @Test
  void cronLineSchedulesTheNightlySubmitWithoutOverlap() {
    String command = cronEntry()[5];
    assertFalse(
        Pattern.compile("(?<!\\\\)%").matcher(command).find(),
        CRON + ": cron turns an unescaped % into a newline; write \\%");
    assertTrue(command.contains("flock -n"), CRON + ": flock -n keeps nights from overlapping");
    assertTrue(command.contains("deploy/yarn/submit.sh"), CRON + " runs " + SUBMIT);
    assertTrue(command.contains("--night"), CRON + ": a nightly sweep passes --night");
    assertTrue(command.contains("--maintain"), CRON + ": a nightly sweep maintains the tables");
    assertTrue(read(CRON).contains("\nSWEEPLAB_HOME="), CRON + " sets SWEEPLAB_HOME");
  }

  @Test
  void cronCommandSubmitsAndLogs() throws IOException {
    assumeTrue(Files.isExecutable(Path.of("/usr/bin/flock")), "flock is not installed");
    Map<String, String> env = fakeSparkSubmit();
    env.put("SWEEPLAB_HOME", Path.of("").toAbsolutePath().toString());
    String command = cronEntry()[5].replace("\\%", "%");
    DeployFiles.Result r = run(List.of("/bin/bash", "-c", command), env, tmp);
    assertEquals(0, r.exit(), CRON + ": the command as cron runs it:\n" + r.both());
    Path log = tmp.resolve("sweeplab-logs/nightly-" + LocalDate.now(ZoneOffset.UTC) + ".log");
    assertTrue(Files.isRegularFile(log), CRON + " logs to " + log);
    List<String> args = read(log).lines().toList();
    List<String> app = assertSubmits(args, env.get("SWEEPLAB_JAR"), CRON.toString());
    assertTrue(app.contains("--night"), CRON + ": " + app);
    assertTrue(app.contains("--maintain"), CRON + ": " + app);
    assertFalse(read(log).contains("exited"), CRON + ": the submit succeeded:\n" + read(log));
  }

  @Test
  void airflowDagCompiles() {
    assumeTrue(Files.isExecutable(PYTHON), "/usr/bin/python3 is absent");
    Map<String, String> env = Map.of("PYTHONPYCACHEPREFIX", tmp.resolve("pyc").toString());
    DeployFiles.Result r =
        run(List.of(PYTHON.toString(), "-m", "py_compile", DAG.toString()), env, tmp);
    assertEquals(0, r.exit(), DAG + " fails py_compile:\n" + r.both());
  }

  /**
   * Just enough of Airflow's API to record what the DAG file declares, with the real parameter
   * names: SparkSubmitOperator's keyword-only parameters as in
   * apache-airflow-providers-apache-spark (the operator with properties_file and durable),
   * BaseOperator's and DAG's as in Airflow 3. A name that Airflow would refuse fails here too, with
   * TypeError.
   */
  static final Map<String, String> AIRFLOW_STUB =
      Map.of(
          "airflow/__init__.py",
          """
          DAG_PARAMETERS = {
              "dag_id", "description", "schedule", "start_date", "end_date", "template_searchpath",
              "template_undefined", "user_defined_macros", "user_defined_filters", "default_args",
              "max_active_tasks", "max_active_runs", "max_consecutive_failed_dag_runs",
              "dagrun_timeout", "sla_miss_callback", "catchup", "on_success_callback",
              "on_failure_callback", "doc_md", "params", "access_control", "is_paused_upon_creation",
              "jinja_environment_kwargs", "render_template_as_native_obj", "tags", "owner_links",
              "auto_register", "fail_fast", "dag_display_name", "disable_bundle_versioning"}
          BASE_OPERATOR_PARAMETERS = {
              "task_id", "owner", "email", "email_on_retry", "email_on_failure", "retries",
              "retry_delay", "retry_exponential_backoff", "max_retry_delay", "start_date",
              "end_date", "depends_on_past", "ignore_first_depends_on_past",
              "wait_for_past_depends_before_skipping", "wait_for_downstream", "dag", "params",
              "default_args", "priority_weight", "weight_rule", "queue", "pool", "pool_slots",
              "execution_timeout", "on_execute_callback", "on_failure_callback",
              "on_success_callback", "on_retry_callback", "on_skipped_callback", "pre_execute",
              "post_execute", "trigger_rule", "resources", "run_as_user", "map_index_template",
              "max_active_tis_per_dag", "max_active_tis_per_dagrun", "executor",
              "executor_config", "do_xcom_push", "multiple_outputs", "inlets", "outlets",
              "task_group", "doc", "doc_md", "doc_json", "doc_yaml", "doc_rst", "task_display_name",
              "logger_name", "allow_nested_operators"}

          def check(what, names, known):
              unknown = sorted(set(names) - known)
              if unknown:
                  raise TypeError(f"{what} got unexpected keyword arguments {unknown}")

          class DAG:
              declared = []
              def __init__(self, **kwargs):
                  check("DAG", kwargs, DAG_PARAMETERS)
                  DAG.declared.append(kwargs)
              def __enter__(self):
                  return self
              def __exit__(self, *exc):
                  return False
          """,
          "airflow/providers/__init__.py",
          "",
          "airflow/providers/apache/__init__.py",
          "",
          "airflow/providers/apache/spark/__init__.py",
          "",
          "airflow/providers/apache/spark/operators/__init__.py",
          "",
          "airflow/providers/apache/spark/operators/spark_submit.py",
          """
          import airflow

          class SparkSubmitOperator:
              declared = []
              def __init__(self, *, application="", conf=None, conn_id="spark_default",
                           files=None, py_files=None, archives=None, driver_class_path=None,
                           jars=None, java_class=None, packages=None, exclude_packages=None,
                           repositories=None, total_executor_cores=None, executor_cores=None,
                           executor_memory=None, driver_memory=None, keytab=None, principal=None,
                           proxy_user=None, name="arrow-spark", num_executors=None,
                           status_poll_interval=1, application_args=None, env_vars=None,
                           verbose=False, spark_binary=None, properties_file=None,
                           yarn_queue=None, deploy_mode=None, use_krb5ccache=False,
                           post_submit_commands=None, track_driver_via_k8s_api=False,
                           yarn_track_via_rm_api=False, yarn_rm_auth=None,
                           openlineage_inject_parent_job_info=False,
                           openlineage_inject_transport_info=False, reconnect_on_retry=None,
                           durable=None, **kwargs):
                  airflow.check("SparkSubmitOperator", kwargs, airflow.BASE_OPERATOR_PARAMETERS)
                  given = dict(locals())
                  given.pop("self")
                  given.pop("kwargs")
                  given.pop("__class__", None)
                  given.update(kwargs)
                  SparkSubmitOperator.declared.append(given)
          """,
          "declare.py",
          """
          import json, runpy, sys
          import airflow
          from airflow.providers.apache.spark.operators import spark_submit
          runpy.run_path(sys.argv[1], run_name="dag")
          print(json.dumps({"dags": airflow.DAG.declared,
                            "tasks": spark_submit.SparkSubmitOperator.declared}, default=str))
          """);

  @Test
  void airflowDagSubmitsTheNightlySweep() throws IOException {
    assumeTrue(Files.isExecutable(PYTHON), "/usr/bin/python3 is absent");
    Path stub = tmp.resolve("stub");
    for (var e : AIRFLOW_STUB.entrySet()) {
      Files.createDirectories(stub.resolve(e.getKey()).getParent());
      Files.writeString(stub.resolve(e.getKey()), e.getValue());
    }
    Path home = Path.of("").toAbsolutePath();
    Map<String, String> env =
        Map.of(
            "SWEEPLAB_HOME", home.toString(),
            "PYTHONPATH", stub.toString(),
            "PYTHONDONTWRITEBYTECODE", "1");
    DeployFiles.Result r =
        run(
            List.of(PYTHON.toString(), stub.resolve("declare.py").toString(), DAG.toString()),
            env,
            tmp);
    assertEquals(0, r.exit(), DAG + " with a stub Airflow:\n" + r.both());
    JsonNode declared = JSON.readTree(r.out());
    assertEquals(1, declared.path("dags").size(), DAG + " declares one DAG");
    JsonNode dag = declared.path("dags").get(0);
    assertEquals("0 2 * * *", dag.path("schedule").asText(), DAG + ": schedule");
    assertEquals(1, dag.path("max_active_runs").asInt(), DAG + ": max_active_runs");
    assertTrue(
        dag.path("catchup").isBoolean() && !dag.path("catchup").asBoolean(), DAG + " catchup");
    assertEquals(1, declared.path("tasks").size(), DAG + " declares one task");
    JsonNode task = declared.path("tasks").get(0);
    assertEquals(MAIN, task.path("java_class").asText(), DAG + ": java_class");
    DeployFiles.mainClass(MAIN, DAG.toString());
    assertEquals(
        home.resolve(DeployFiles.CLUSTER_JAR).toString(),
        task.path("application").asText(),
        DAG + ": application");
    Path job = Path.of(task.path("files").asText());
    assertTrue(Files.isRegularFile(job), DAG + ": files " + job + " exists");
    assertTrue(job.getParent().endsWith("jobs"), DAG + ": files " + job + " is a sweep in jobs/");
    List<String> app = new ArrayList<>();
    task.path("application_args").forEach(a -> app.add(a.asText()));
    assertEquals("run", app.get(0), DAG + ": " + app);
    assertEquals(job.getFileName().toString(), app.get(1), DAG + " runs the shipped sweep");
    assertEquals("{{ ds }}", app.get(app.indexOf("--night") + 1), DAG + ": --night {{ ds }}");
    assertTrue(app.contains("--maintain"), DAG + ": the nightly sweep maintains the tables");
    DeployFiles.parseCli(
        MAIN, app.stream().map(a -> a.replace("{{ ds }}", "2026-01-01")).toList(), DAG.toString());
    assertTrue(task.path("conf").isNull(), DAG + ": the properties come from properties_file");
    assertEquals(
        home.resolve("conf/cluster-cpu.conf").toString(),
        task.path("properties_file").asText(),
        DAG + ": properties_file");
    // A durable task in YARN cluster mode needs the ResourceManager API, or the operator refuses.
    assertTrue(
        task.path("durable").isBoolean() && !task.path("durable").asBoolean(),
        DAG + ": durable=False, got " + task.path("durable"));
  }
}
