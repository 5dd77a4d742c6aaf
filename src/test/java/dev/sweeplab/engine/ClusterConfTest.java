package dev.sweeplab.engine;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.Reader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import org.apache.spark.network.util.JavaUtils;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * {@code conf/cluster-cpu.conf}, {@code conf/cluster-gpu.conf} and {@code conf/local.conf} keep the
 * rules their comments state.
 */
class ClusterConfTest {
  @ParameterizedTest
  @ValueSource(strings = {"cluster-cpu.conf", "cluster-gpu.conf"})
  void theMemoryBoundFitsTheContainerAndOneBlasThreadPerTask(String file) throws Exception {
    Properties conf = load(file);
    assertEquals("1", conf.getProperty("spark.executorEnv.OMP_NUM_THREADS"));
    assertEquals("1", conf.getProperty("spark.task.cpus"));
    assertTrue(Integer.parseInt(conf.getProperty("spark.task.maxFailures")) > 1, "retries");

    Map<String, String> flags = javaFlags(conf.getProperty("spark.executor.extraJavaOptions"));
    long heap = JavaUtils.byteStringAsBytes(conf.getProperty("spark.executor.memory"));
    long container =
        heap + JavaUtils.byteStringAsBytes(conf.getProperty("spark.executor.memoryOverhead"));
    long physical = JavaUtils.byteStringAsBytes(flags.get("org.bytedeco.javacpp.maxPhysicalBytes"));
    long bytes = JavaUtils.byteStringAsBytes(flags.get("org.bytedeco.javacpp.maxBytes"));
    // Below the container, or the cluster manager kills the executor before the run can fail.
    assertTrue(physical < container, "maxPhysicalBytes " + physical + " < container " + container);
    // It counts the heap too: a bound under the heap would fail runs at rest.
    assertTrue(physical > 2 * heap, "maxPhysicalBytes " + physical + " leaves room past the heap");
    assertTrue(bytes >= physical, "maxBytes never fires before maxPhysicalBytes");
    assertTrue(flags.containsKey("org.bytedeco.javacpp.cachedir"), "a node-local JavaCPP cache");
    String options = conf.getProperty("spark.executor.extraJavaOptions");
    for (String flag :
        List.of(
            "-XX:InitiatingHeapOccupancyPercent=5",
            "-XX:-G1UseAdaptiveIHOP",
            "-XX:+ExplicitGCInvokesConcurrent")) {
      assertTrue(
          options.contains(flag),
          flag + ": finished runs' native memory is freed by early concurrent cycles");
    }
  }

  @Test
  void twoRunsPerGpuAndNeitherCoresNorGpusWasted() throws Exception {
    Properties conf = load("cluster-gpu.conf");
    double executorGpus =
        Double.parseDouble(conf.getProperty("spark.executor.resource.gpu.amount"));
    double taskGpus = Double.parseDouble(conf.getProperty("spark.task.resource.gpu.amount"));
    assertEquals(1.0, executorGpus);
    assertEquals(0.5, taskGpus, "two runs share a GPU");
    int cores = Integer.parseInt(conf.getProperty("spark.executor.cores"));
    int taskCpus = Integer.parseInt(conf.getProperty("spark.task.cpus"));
    // Spark runs min(cores / task.cpus, gpus / task.gpus) tasks; unequal leaves one resource idle.
    assertEquals(executorGpus / taskGpus, (double) (cores / taskCpus), "runs per executor");
    assertEquals(
        "/opt/sweeplab/deploy/getGpusResources.sh",
        conf.getProperty("spark.executor.resource.gpu.discoveryScript"));
    assertEquals("false", conf.getProperty("spark.speculation"));
  }

  @Test
  void localConfIsWhatTheLauncherDoes() throws Exception {
    Properties conf = load("local.conf");
    assertEquals("local[*]", conf.getProperty("spark.master"));
    assertEquals("false", conf.getProperty("spark.ui.enabled"));
    assertEquals("127.0.0.1", conf.getProperty("spark.driver.bindAddress"));
    assertEquals("1", conf.getProperty("spark.executorEnv.OMP_NUM_THREADS"));
    // bin/sweeplab's default heap: -Xmx"${SWEEPLAB_HEAP:-4g}".
    Matcher heap =
        Pattern.compile("SWEEPLAB_HEAP:-([0-9]+[kmgt])")
            .matcher(Files.readString(Path.of("bin", "sweeplab")));
    assertTrue(heap.find(), "bin/sweeplab names its default heap");
    assertEquals(heap.group(1), conf.getProperty("spark.driver.memory"));
    Map<String, String> flags = javaFlags(conf.getProperty("spark.driver.extraJavaOptions"));
    assertTrue(flags.containsKey("org.bytedeco.javacpp.cachedir"), "a fixed JavaCPP cache");
    // The defaults Sessions sets when no properties file does agree with the file.
    for (String key :
        List.of(
            "spark.sql.shuffle.partitions",
            "spark.sql.sources.partitionColumnTypeInference.enabled",
            "spark.ui.showConsoleProgress")) {
      assertTrue(conf.containsKey(key), key);
    }
  }

  /** Every setting sits in a paragraph whose comment says why (a commented-out setting is not). */
  @ParameterizedTest
  @ValueSource(strings = {"cluster-cpu.conf", "cluster-gpu.conf", "local.conf"})
  void everySettingIsExplained(String file) throws IOException {
    List<String> lines = Files.readAllLines(Path.of("conf", file));
    List<String> unexplained = new ArrayList<>();
    boolean prose = false;
    for (String line : lines) {
      String l = line.strip();
      if (l.isEmpty()) {
        prose = false;
      } else if (l.startsWith("#")) {
        String text = l.substring(1).strip();
        if (!text.isEmpty() && !text.matches("spark\\.[A-Za-z0-9.]+\\s*=.*")) {
          prose = true;
        }
      } else if (!prose) {
        unexplained.add(l);
      }
    }
    assertTrue(unexplained.isEmpty(), file + ": settings without a comment above: " + unexplained);
  }

  private static Properties load(String file) throws IOException {
    Properties conf = new Properties();
    try (Reader in = Files.newBufferedReader(Path.of("conf", file))) {
      conf.load(in);
    }
    return conf;
  }

  private static Map<String, String> javaFlags(String options) {
    return Arrays.stream(options.split("\\s+"))
        .filter(f -> f.startsWith("-D") && f.contains("="))
        .collect(Collectors.toMap(f -> f.substring(2, f.indexOf('=')), f -> f.split("=")[1]));
  }
}
