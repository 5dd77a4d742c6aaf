package dev.sweeplab.deploy;

import static dev.sweeplab.deploy.DeployFiles.CLUSTER_JAR;
import static dev.sweeplab.deploy.DeployFiles.DEPLOY;
import static dev.sweeplab.deploy.DeployFiles.at;
import static dev.sweeplab.deploy.DeployFiles.read;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * deploy/ is checked, not only shipped: the Kubernetes manifests parse and name a main class, jobs,
 * configuration and image paths that exist; their Spark properties are those of conf/; the images
 * copy what the manifests use; the scripts parse and, run against fake nvidia-smi and spark-submit,
 * do what they say. The remaining deploy checks (shell scripts, cron, Airflow) are in {@link
 * DeployScriptsTest}.
 */
class DeployFilesTest {
  static final String MAIN = "dev.sweeplab.cli.Main";
  static final String API_VERSION = "sparkoperator.k8s.io/v1beta2";
  static final String PROPERTIES_ANNOTATION = "sweeplab.dev/spark-properties";
  static final String DOCKERFILE_ANNOTATION = "sweeplab.dev/dockerfile";
  static final Pattern IMAGE_PATH = Pattern.compile("/opt/sweeplab/[\\w./-]*\\w");

  /**
   * Spark properties a manifest may set though no conf/*.conf file does: where Kubernetes mounts
   * the warehouse volume, and Spark 3.5's GPU scheduling keys (Spark's configuration page, "Custom
   * Resource Scheduling").
   */
  static final Set<String> EXTRA_KEYS =
      Set.of(
          "spark.kubernetes.driver.volumes.persistentVolumeClaim.data.options.claimName",
          "spark.kubernetes.driver.volumes.persistentVolumeClaim.data.mount.path",
          "spark.kubernetes.executor.volumes.persistentVolumeClaim.data.options.claimName",
          "spark.kubernetes.executor.volumes.persistentVolumeClaim.data.mount.path",
          "spark.executor.resource.gpu.amount",
          "spark.executor.resource.gpu.discoveryScript",
          "spark.executor.resource.gpu.vendor",
          "spark.task.resource.gpu.amount");

  /**
   * Keys whose value is a place in the image or the cluster (the event log on the data volume), so
   * it may differ from the properties file's.
   */
  static final Set<String> IMAGE_SPECIFIC_KEYS =
      Set.of("spark.executor.resource.gpu.discoveryScript", "spark.eventLog.dir");

  /** The operator's driver/executor fields that spark-submit turns into Spark properties. */
  static final Map<String, String> POD_FIELDS =
      Map.of(
          "executor.cores", "spark.executor.cores",
          "executor.memory", "spark.executor.memory",
          "executor.memoryOverhead", "spark.executor.memoryOverhead",
          "driver.cores", "spark.driver.cores",
          "driver.memory", "spark.driver.memory",
          "driver.memoryOverhead", "spark.driver.memoryOverhead");

  /** A SparkApplication spec (the template of a scheduled one) with the file it came from. */
  record App(Path file, boolean scheduled, Map<String, Object> metadata, Map<String, Object> spec) {
    String where() {
      return file.toString();
    }

    Path dockerfile() {
      return Path.of(annotation(DOCKERFILE_ANNOTATION));
    }

    @SuppressWarnings("unchecked")
    String annotation(String key) {
      Object annotations = metadata.get("annotations");
      assertInstanceOf(Map.class, annotations, file + ": metadata.annotations");
      Object value = ((Map<String, Object>) annotations).get(key);
      assertInstanceOf(String.class, value, file + ": annotation " + key + " names a repo file");
      return (String) value;
    }

    @SuppressWarnings("unchecked")
    Map<String, Object> sparkConf() {
      Object conf = spec.get("sparkConf");
      assertInstanceOf(Map.class, conf, file + ": spec.sparkConf");
      return (Map<String, Object>) conf;
    }

    @SuppressWarnings("unchecked")
    List<String> arguments() {
      Object args = spec.get("arguments");
      assertInstanceOf(List.class, args, file + ": arguments");
      for (Object a : (List<Object>) args) {
        assertInstanceOf(String.class, a, file + ": argument " + a + " is a string");
      }
      return (List<String>) args;
    }
  }

  @SuppressWarnings("unchecked")
  static List<App> apps() {
    List<App> apps = new ArrayList<>();
    List<Path> manifests =
        DeployFiles.filesUnder(DEPLOY.resolve("k8s")).stream()
            .filter(p -> p.toString().endsWith(".yaml"))
            .toList();
    assertFalse(manifests.isEmpty(), "deploy/k8s holds manifests");
    for (Path file : manifests) {
      List<Map<String, Object>> docs = DeployFiles.yamlDocuments(file);
      assertFalse(docs.isEmpty(), file + " holds a document");
      for (Map<String, Object> doc : docs) {
        assertEquals(API_VERSION, doc.get("apiVersion"), file + ": apiVersion");
        Map<String, Object> metadata = (Map<String, Object>) doc.get("metadata");
        assertNotNull(metadata, file + ": metadata");
        assertNotNull(metadata.get("name"), file + ": metadata.name");
        Map<String, Object> spec = (Map<String, Object>) doc.get("spec");
        assertNotNull(spec, file + ": spec");
        Object kind = doc.get("kind");
        boolean scheduled = "ScheduledSparkApplication".equals(kind);
        if (scheduled) {
          assertEquals("Forbid", spec.get("concurrencyPolicy"), file + ": concurrencyPolicy");
          Object schedule = spec.get("schedule");
          assertInstanceOf(String.class, schedule, file + ": schedule");
          assertEquals(
              5, ((String) schedule).trim().split("\\s+").length, file + ": 5 cron fields");
          spec = (Map<String, Object>) spec.get("template");
          assertNotNull(spec, file + ": spec.template");
        } else {
          assertEquals("SparkApplication", kind, file + ": kind");
        }
        apps.add(new App(file, scheduled, metadata, spec));
      }
    }
    return apps;
  }

  @Test
  void manifestsRunSweeplabOnce() {
    String sparkVersion = pomProperty("spark.version");
    for (App app : apps()) {
      String where = app.where();
      assertEquals("Java", app.spec().get("type"), where + ": type");
      assertEquals("cluster", app.spec().get("mode"), where + ": mode");
      assertEquals("Never", at(app.spec(), "restartPolicy.type"), where + ": restartPolicy");
      assertEquals(sparkVersion, app.spec().get("sparkVersion"), where + ": pom's spark.version");
      assertNotNull(app.spec().get("image"), where + ": image");
      assertNotNull(at(app.spec(), "driver.serviceAccount"), where + ": driver.serviceAccount");
      String main = (String) app.spec().get("mainClass");
      assertEquals(MAIN, main, where + ": mainClass");
      DeployFiles.mainClass(main, where);
      assertEquals("run", DeployFiles.parseCli(main, app.arguments(), where).commandSpec().name());
      if (app.scheduled()) {
        assertTrue(app.arguments().contains("--night"), where + ": a scheduled run passes --night");
        assertTrue(
            app.arguments().contains("--maintain"), where + ": a nightly run maintains the tables");
      }
      assertEquals(
          "1", String.valueOf(executorEnv(app).get("OMP_NUM_THREADS")), where + ": OMP env");
    }
  }

  @SuppressWarnings("unchecked")
  static Map<String, Object> executorEnv(App app) {
    Map<String, Object> env = new LinkedHashMap<>();
    Object list = at(app.spec(), "executor.env");
    assertInstanceOf(List.class, list, app.where() + ": executor.env");
    for (Map<String, Object> e : (List<Map<String, Object>>) list) {
      env.put((String) e.get("name"), e.get("value"));
    }
    return env;
  }

  @Test
  void manifestPathsAreInTheirImage() {
    for (App app : apps()) {
      Path dockerfile = app.dockerfile();
      assertTrue(Files.isRegularFile(dockerfile), app.where() + ": image " + dockerfile);
      String jar = (String) app.spec().get("mainApplicationFile");
      assertTrue(jar.startsWith("local:///opt/sweeplab/"), app.where() + ": jar in the image");
      assertEquals(
          Optional.of(CLUSTER_JAR),
          DeployFiles.repoPathOf(dockerfile, jar.substring("local://".length())),
          app.where() + ": " + jar + " is target/sweeplab-cluster.jar in " + dockerfile);
      List<String> values = new ArrayList<>(app.arguments());
      app.sparkConf().values().forEach(v -> values.add(String.valueOf(v)));
      int found = 0;
      for (String value : values) {
        Matcher m = IMAGE_PATH.matcher(value);
        while (m.find()) {
          found++;
          assertImagePathExists(app.where(), dockerfile, m.group());
        }
      }
      assertTrue(found > 0, app.where() + " names its sweep file in the image");
      String job = app.arguments().get(1);
      assertTrue(job.startsWith("/opt/sweeplab/jobs/"), app.where() + ": " + job + " is a job");
    }
  }

  static void assertImagePathExists(String where, Path dockerfile, String imagePath) {
    Optional<String> repo = DeployFiles.repoPathOf(dockerfile, imagePath);
    assertTrue(repo.isPresent(), where + ": " + imagePath + " is not copied by " + dockerfile);
    if (repo.get().startsWith("target/")) {
      assertEquals(CLUSTER_JAR, repo.get(), where + ": " + imagePath + " is a build output");
    } else if (!repo.get().isEmpty()) {
      assertTrue(
          Files.exists(Path.of(repo.get())),
          where + ": " + imagePath + " comes from " + repo.get() + ", which does not exist");
    }
  }

  @Test
  void manifestSparkConfMirrorsItsPropertiesFile() {
    Map<String, Path> known = DeployFiles.keysOfConfFiles();
    for (App app : apps()) {
      String where = app.where();
      Path propertiesFile = Path.of(app.annotation(PROPERTIES_ANNOTATION));
      assertTrue(Files.isRegularFile(propertiesFile), where + ": " + propertiesFile + " exists");
      Map<String, String> effective = new LinkedHashMap<>();
      app.sparkConf()
          .forEach(
              (key, value) -> {
                assertInstanceOf(
                    String.class, value, where + ": sparkConf " + key + " must be a quoted string");
                assertTrue(
                    known.containsKey(key) || EXTRA_KEYS.contains(key),
                    where + ": unknown Spark property " + key + " (in no conf/*.conf file)");
                effective.put(key, (String) value);
              });
      POD_FIELDS.forEach(
          (field, key) -> {
            Object value = at(app.spec(), field);
            if (value != null) {
              assertFalse(effective.containsKey(key), where + ": " + key + " set twice");
              effective.put(key, String.valueOf(value));
            }
          });
      Map<String, String> conf = DeployFiles.sparkProperties(propertiesFile);
      assertFalse(conf.isEmpty(), propertiesFile + " sets properties");
      for (var e : conf.entrySet()) {
        String key = e.getKey();
        if (key.startsWith("spark.yarn.")) {
          continue;
        }
        assertTrue(
            effective.containsKey(key),
            where + ": " + propertiesFile + " sets " + key + ", the manifest does not");
        if (!IMAGE_SPECIFIC_KEYS.contains(key)) {
          assertEquals(
              e.getValue(),
              effective.get(key),
              where + ": " + key + " differs from " + propertiesFile);
        }
      }
      executorEnv(app)
          .forEach(
              (name, value) -> {
                String key = "spark.executorEnv." + name;
                if (effective.containsKey(key)) {
                  assertEquals(effective.get(key), String.valueOf(value), where + ": env " + name);
                }
              });
    }
  }

  @Test
  void gpuManifestsAskForGpusConsistently() {
    int gpuApps = 0;
    for (App app : apps()) {
      Map<String, Object> conf = app.sparkConf();
      Object amount = conf.get("spark.executor.resource.gpu.amount");
      if (amount == null) {
        assertFalse(app.dockerfile().toString().endsWith(".gpu"), app.where() + " asks no GPU");
        continue;
      }
      gpuApps++;
      String where = app.where();
      assertEquals("nvidia.com", conf.get("spark.executor.resource.gpu.vendor"), where + " vendor");
      assertEquals("nvidia.com/gpu", at(app.spec(), "executor.gpu.name"), where + ": gpu.name");
      assertEquals(
          amount, String.valueOf(at(app.spec(), "executor.gpu.quantity")), where + ": quantity");
      String script = (String) conf.get("spark.executor.resource.gpu.discoveryScript");
      assertNotNull(script, where + ": discovery script");
      assertEquals(
          Optional.of("deploy/getGpusResources.sh"),
          DeployFiles.repoPathOf(app.dockerfile(), script),
          where + ": " + script + " is deploy/getGpusResources.sh in " + app.dockerfile());
      // Tasks per executor by cores and by GPU shares must agree, or Spark leaves one idle.
      double perTask = Double.parseDouble((String) conf.get("spark.task.resource.gpu.amount"));
      double byGpu = Double.parseDouble((String) amount) / perTask;
      double byCpu =
          Double.parseDouble(String.valueOf(at(app.spec(), "executor.cores")))
              / Double.parseDouble((String) conf.getOrDefault("spark.task.cpus", "1"));
      assertEquals(byCpu, byGpu, 1e-9, where + ": tasks per executor by cores and by GPU");
      assertTrue(at(app.spec(), "executor.tolerations") instanceof List, where + " tolerations");
      assertTrue(at(app.spec(), "executor.nodeSelector") instanceof Map, where + " nodeSelector");
      assertTrue(
          read(app.dockerfile()).contains("ARG CUDA_PRESET=" + cudaPreset()),
          where + ": " + app.dockerfile() + " carries CUDA preset " + cudaPreset());
    }
    assertTrue(gpuApps > 0, "deploy/k8s has a GPU manifest");
  }

  @Test
  void imagesCopyTheClusterJarJobsAndConf() {
    String sparkVersion = pomProperty("spark.version");
    for (String name : List.of("Dockerfile", "Dockerfile.gpu")) {
      Path dockerfile = DEPLOY.resolve("docker").resolve(name);
      String text = read(dockerfile);
      assertTrue(
          text.contains("ARG SPARK_VERSION=" + sparkVersion + "\n"),
          dockerfile + ": ARG SPARK_VERSION=" + sparkVersion + " (pom's spark.version)");
      assertTrue(text.contains("-bin-hadoop3.tgz"), dockerfile + ": Spark built for Hadoop 3");
      assertTrue(text.contains("OMP_NUM_THREADS=1"), dockerfile + ": ENV OMP_NUM_THREADS=1");
      assertTrue(text.contains("ENTRYPOINT [\"/opt/entrypoint.sh\"]"), dockerfile + " entrypoint");
      for (String image :
          List.of("/opt/sweeplab/sweeplab.jar", "/opt/sweeplab/jobs/", "/opt/sweeplab/conf/")) {
        assertTrue(
            DeployFiles.repoPathOf(dockerfile, image).isPresent(), dockerfile + " copies " + image);
      }
      for (DeployFiles.Copy copy : DeployFiles.copies(dockerfile)) {
        for (String src : copy.sources()) {
          if (src.startsWith("target/")) {
            assertEquals(CLUSTER_JAR, src, dockerfile + ": COPY " + src + " is a build output");
          } else {
            assertTrue(Files.exists(Path.of(src)), dockerfile + ": COPY " + src + " not found");
          }
        }
      }
    }
    String gpu = read(DEPLOY.resolve("docker/Dockerfile.gpu"));
    assertTrue(
        gpu.contains("cuda-${CUDA_PRESET}-linux-x86_64-redist.jar")
            && Pattern.compile("ARG CUDA_REDIST_SHA1=[0-9a-f]{40}\n").matcher(gpu).find()
            && gpu.contains("echo \"${CUDA_REDIST_SHA1}  ${jar}\" | sha1sum -c -")
            && gpu.contains("COPY --from=cuda /opt/cuda /opt/cuda")
            && gpu.contains("LD_LIBRARY_PATH=/opt/cuda/lib64:"),
        "Dockerfile.gpu: the CUDA libraries of JavaCPP's redist jar, its pinned SHA-1 checked, on the"
            + " loader's path");
  }

  /**
   * The CUDA preset of the pom's CUDA backend: nd4j-cuda-X's CUDA version X, and the JavaCPP
   * release the build uses (the preset of DL4J 1.0.0-M2.1's nd4j-cuda-11.6 is 11.6-8.3-1.5.7).
   */
  static String cudaPreset() {
    Matcher cuda =
        Pattern.compile("<nd4j.backend>nd4j-cuda-([\\d.]+)</").matcher(read(Path.of("pom.xml")));
    assertTrue(cuda.find(), "pom.xml: the cuda profile names nd4j-cuda-<version>");
    String javacpp = org.bytedeco.javacpp.Loader.class.getPackage().getImplementationVersion();
    assertNotNull(javacpp, "JavaCPP's jar names its version");
    assertEquals("11.6", cuda.group(1), "nd4j-cuda-11.6 ships with cuDNN 8.3");
    return cuda.group(1) + "-8.3-" + javacpp;
  }

  /** Ubuntu releases past their standard support. */
  static final Pattern END_OF_LIFE = Pattern.compile("focal|bionic|xenial|ubuntu(16|18|20)\\.04");

  @Test
  void imagesStandOnMaintainedBasesAndCanDrawPlots() {
    for (String name : List.of("Dockerfile", "Dockerfile.gpu")) {
      Path dockerfile = DEPLOY.resolve("docker").resolve(name);
      List<String> bases = new ArrayList<>();
      String runtime = null;
      for (String line : read(dockerfile).lines().toList()) {
        if (line.startsWith("FROM ")) {
          bases.add(line.substring(5).trim());
          runtime = "";
        } else if (runtime != null) {
          runtime += line + "\n";
        }
        if (line.startsWith("COPY --from=")) {
          String from = line.substring("COPY --from=".length()).split("\\s+")[0];
          if (from.contains(":")) {
            bases.add(from);
          }
        }
      }
      assertFalse(bases.isEmpty(), dockerfile + " has a FROM");
      for (String base : bases) {
        assertFalse(END_OF_LIFE.matcher(base).find(), dockerfile + ": " + base + " is end-of-life");
      }
      // The report's plots are drawn on the driver, after the commit: fonts must be there.
      assertTrue(
          runtime.contains("fontconfig") && runtime.contains("fonts-dejavu"),
          dockerfile + ": the runtime image installs fontconfig and a font");
    }
  }

  @Test
  void driversLogAtSweeplabsLevels() {
    for (App app : apps()) {
      Object options = at(app.spec(), "driver.javaOptions");
      assertInstanceOf(String.class, options, app.where() + ": driver.javaOptions");
      Matcher m = Pattern.compile("-Dlog4j2.configurationFile=(\\S+)").matcher((String) options);
      assertTrue(m.find(), app.where() + ": the driver names a log4j2 file: " + options);
      assertEquals(
          Optional.of("conf/log4j2.properties"),
          DeployFiles.repoPathOf(app.dockerfile(), m.group(1)),
          app.where() + ": " + m.group(1) + " is conf/log4j2.properties in " + app.dockerfile());
    }
  }

  @Test
  void clusterConfsKeepAnEventLogAndNightsRunInUtc() {
    for (String conf : List.of("conf/cluster-cpu.conf", "conf/cluster-gpu.conf")) {
      Map<String, String> p = DeployFiles.sparkProperties(Path.of(conf));
      assertEquals("true", p.get("spark.eventLog.enabled"), conf + ": spark.eventLog.enabled");
      assertNotNull(p.get("spark.eventLog.dir"), conf + ": spark.eventLog.dir");
    }
    for (App app : apps()) {
      if (app.scheduled()) {
        // --night's dates are UTC days: the schedule must be read in UTC too.
        Map<String, Object> scheduled = DeployFiles.yamlDocuments(app.file()).get(0);
        assertEquals("UTC", at(scheduled, "spec.timeZone"), app.where() + ": spec.timeZone");
      }
    }
  }

  @Test
  void pomBuildsTheClusterJarTheDeployFilesUse() {
    String pom = read(Path.of("pom.xml"));
    assertTrue(pom.contains("maven-shade-plugin"), "pom.xml shades the cluster jar");
    assertTrue(
        Pattern.compile("<outputFile>[^<]*/sweeplab-cluster\\.jar</outputFile>")
            .matcher(pom)
            .find(),
        "pom.xml: the shade plugin writes " + CLUSTER_JAR + ", which deploy/ refers to");
  }

  /** Repo paths named anywhere in deploy/, optionally after $home/ or $SWEEPLAB_HOME/. */
  static final Pattern REPO_PATH =
      Pattern.compile(
          "(?<![\\w./$-])(?:\\$\\{?(?:home|SWEEPLAB_HOME)\\}?/)?"
              + "((?:jobs|conf|deploy|target|bin)/[\\w./-]*\\w)");

  @Test
  void everyPathNamedInDeployExists() {
    List<Path> dockerfiles =
        List.of(Path.of("deploy/docker/Dockerfile"), Path.of("deploy/docker/Dockerfile.gpu"));
    int checked = 0;
    for (Path file : DeployFiles.filesUnder(DEPLOY)) {
      String text = read(file);
      Matcher m = REPO_PATH.matcher(text);
      while (m.find()) {
        checked++;
        String ref = m.group(1);
        if (ref.startsWith("target/")) {
          assertEquals(CLUSTER_JAR, ref, file + " names the build output " + ref);
        } else {
          assertTrue(Files.exists(Path.of(ref)), file + " names " + ref + ", which does not exist");
        }
      }
      Matcher image = IMAGE_PATH.matcher(text);
      while (image.find()) {
        checked++;
        String path = image.group();
        assertTrue(
            dockerfiles.stream().anyMatch(d -> DeployFiles.repoPathOf(d, path).isPresent()),
            file + " names " + path + ", which no image in deploy/docker holds");
        for (Path d : dockerfiles) {
          DeployFiles.repoPathOf(d, path)
              .ifPresent(p -> assertImagePathExists(file.toString(), d, path));
        }
      }
    }
    assertTrue(checked > 20, "deploy/ names repository paths (" + checked + " found)");
  }

  static String pomProperty(String name) {
    Matcher m =
        Pattern.compile("<" + Pattern.quote(name) + ">([^<]+)</").matcher(read(Path.of("pom.xml")));
    if (!m.find()) {
      fail("pom.xml has no property " + name);
    }
    return m.group(1).trim();
  }
}
