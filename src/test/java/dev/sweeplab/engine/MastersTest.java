package dev.sweeplab.engine;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.sweeplab.spec.UserError;
import java.util.List;
import org.junit.jupiter.api.Test;

class MastersTest {
  @Test
  void everyFormSparkAcceptsPasses() {
    for (String master :
        List.of(
            "local",
            "local[1]",
            "local[16]",
            "local[*]",
            "local[2,3]",
            "local[*, 4]",
            "local-cluster[2,1,1024]",
            "spark://127.0.0.1:7077",
            "spark://a.example:7077,b.example:7078",
            "spark://[::1]:7077",
            "yarn",
            "k8s://https://127.0.0.1:6443",
            "mesos://127.0.0.1:5050")) {
      assertEquals(master, Masters.check("--master", master));
    }
  }

  @Test
  void malformedMastersNameTheValueAndTheAcceptedForms() {
    for (String master :
        List.of(
            "foo",
            "",
            "local[0]",
            "local[-1]",
            "local[2,0]",
            "local[99999999999]",
            "local-cluster[0,1,1024]",
            "local-cluster[2,1]",
            "spark://",
            "spark://127.0.0.1",
            "spark://127.0.0.1:0",
            "spark://127.0.0.1:65536",
            "spark://127.0.0.1:7077,",
            "k8s://",
            "Local[2]")) {
      UserError e = assertThrows(UserError.class, () -> Masters.check("--master", master), master);
      assertTrue(e.getMessage().startsWith("--master '" + master + "'"), e.getMessage());
      assertTrue(e.getMessage().contains(Masters.FORMS), e.getMessage());
    }
  }

  @Test
  void aStandaloneMasterWhereNothingListensIsRefusedWithinTheTimeout() {
    long start = System.nanoTime();
    UserError e = assertThrows(UserError.class, () -> Masters.probe("spark://127.0.0.1:1", 5_000));
    assertTrue((System.nanoTime() - start) / 1_000_000 < 5_000, "within the timeout");
    assertTrue(e.getMessage().startsWith("cannot reach the Spark master spark://127.0.0.1:1 ("));
    assertTrue(e.getMessage().contains("waited at most 5.0 s"), e.getMessage());
    Masters.probe("local[2]", 1); // nothing to reach
  }
}
