package dev.sweeplab.engine;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.Reader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Map;
import java.util.Properties;
import java.util.stream.Collectors;
import org.apache.spark.network.util.JavaUtils;
import org.junit.jupiter.api.Test;

/** {@code conf/cluster-cpu.conf} keeps the rules its comments state. */
class ClusterConfTest {
  @Test
  void theMemoryBoundFitsTheContainerAndOneBlasThreadPerTask() throws Exception {
    Properties conf = new Properties();
    try (Reader in = Files.newBufferedReader(Path.of("conf", "cluster-cpu.conf"))) {
      conf.load(in);
    }
    assertEquals("1", conf.getProperty("spark.executorEnv.OMP_NUM_THREADS"));
    assertEquals("1", conf.getProperty("spark.task.cpus"));
    assertTrue(Integer.parseInt(conf.getProperty("spark.task.maxFailures")) > 1, "retries");

    Map<String, String> flags =
        Arrays.stream(conf.getProperty("spark.executor.extraJavaOptions").split("\\s+"))
            .filter(f -> f.startsWith("-D") && f.contains("="))
            .collect(Collectors.toMap(f -> f.substring(2, f.indexOf('=')), f -> f.split("=")[1]));
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
  }
}
