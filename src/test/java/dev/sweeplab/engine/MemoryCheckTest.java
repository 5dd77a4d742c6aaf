package dev.sweeplab.engine;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.sweeplab.spec.SpecParser;
import dev.sweeplab.spec.UserError;
import org.apache.spark.SparkConf;
import org.junit.jupiter.api.Test;

/** The memory bounds as Spark and JavaCPP read their settings, and the refusal that names them. */
class MemoryCheckTest {
  @Test
  void anExecutorsBoundsComeFromItsSettingsAsSparkAndJavaCppReadThem() {
    SparkConf conf =
        new SparkConf(false)
            .set("spark.executor.memory", "4096") // Spark: MiB without a unit
            .set(
                "spark.executor.extraJavaOptions",
                "-Xss4m -Dorg.bytedeco.javacpp.maxBytes=3g"
                    + " -Dorg.bytedeco.javacpp.maxPhysicalBytes=6g");
    MemoryCheck c = MemoryCheck.of("spark://127.0.0.1:7077", conf);
    assertEquals(4L << 30, c.heap());
    assertEquals(2L << 30, c.offHeap(), "min(maxBytes 3g, maxPhysicalBytes 6g - heap 4g)");

    SparkConf plain = new SparkConf(false).set("spark.executor.memory", "2g");
    assertEquals(2L << 30, MemoryCheck.of("yarn", plain).offHeap(), "JavaCPP's default: the heap");
    SparkConf unbounded =
        new SparkConf(false)
            .set("spark.executor.extraJavaOptions", "-Dorg.bytedeco.javacpp.maxbytes=0");
    assertEquals(Long.MAX_VALUE, MemoryCheck.of("yarn", unbounded).offHeap(), "0: no bound");
    SparkConf percent =
        new SparkConf(false)
            .set("spark.executor.memory", "1g")
            .set("spark.executor.extraJavaOptions", "-Dorg.bytedeco.javacpp.maxBytes=200%");
    assertEquals(1L << 30, MemoryCheck.of("yarn", percent).offHeap(), "unread: the default");
  }

  @Test
  void sizesParseWithoutOverflow() {
    assertEquals(512L << 20, MemoryCheck.parseBytes("512m"));
    assertEquals(123, MemoryCheck.parseBytes("123"));
    assertEquals(Long.MAX_VALUE, MemoryCheck.parseBytes("999999999999999999t"));
    assertEquals(-1, MemoryCheck.parseBytes("99999999999999999999999"));
    assertEquals(-1, MemoryCheck.parseBytes("lots"));
  }

  @Test
  void aRunPastTheBoundIsRefusedNamingItsEstimateAndTheBound() {
    MemoryCheck small = new MemoryCheck(64L << 20, 64L << 20, "a small executor");
    var runs =
        SpecParser.parse(
                "name: m\ndataset: {input_dim: 784}\nmodel: {width: [16, 4096], depth: 2}\n",
                "m.yaml")
            .expand();
    UserError e = assertThrows(UserError.class, () -> small.check(runs));
    assertTrue(e.getMessage().contains("(width 4096, depth 2, input_dim 784"), e.getMessage());
    assertTrue(e.getMessage().contains("a small executor has 64.0 MB off-heap"), e.getMessage());
    new MemoryCheck(64L << 20, 64L << 20, "a small executor").check(runs.subList(0, 1));
  }
}
