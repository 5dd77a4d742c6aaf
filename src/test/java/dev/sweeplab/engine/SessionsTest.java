package dev.sweeplab.engine;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.sweeplab.store.ForklessLocalFileSystem;
import dev.sweeplab.testing.SparkTestBase;
import org.junit.jupiter.api.Test;

class SessionsTest extends SparkTestBase {
  @Test
  void inProcessMastersAreLocalOnly() {
    assertTrue(Sessions.inProcess("local"));
    assertTrue(Sessions.inProcess("local[2]"));
    assertTrue(Sessions.inProcess("local[*]"));
    assertFalse(Sessions.inProcess("local-cluster[1,2,1024]"), "executors are other JVMs");
    assertFalse(Sessions.inProcess("yarn"));
    assertFalse(Sessions.inProcess("k8s://https://example:6443"));
  }

  @Test
  void anInProcessSessionWritesLocalFilesWithoutForkingChmod() {
    assertEquals(
        ForklessLocalFileSystem.class.getName(),
        spark.sparkContext().hadoopConfiguration().get("fs.file.impl"));
  }
}
