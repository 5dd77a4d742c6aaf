package dev.sweeplab.store;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.sweeplab.spec.UserError;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import org.apache.hadoop.conf.Configuration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** One live driver per sweep and warehouse; a dead driver's lease is taken over. */
class DriverLeaseTest {
  @TempDir Path tmp;

  final Configuration conf = new Configuration();

  Warehouse warehouse() {
    return new Warehouse(tmp.resolve("wh").toString());
  }

  Path leaseFile(String sweep) {
    return Path.of(DriverLease.file(warehouse(), sweep).toUri().getPath());
  }

  @Test
  void aSecondDriverIsRefusedNamingTheLiveOneUntilTheFirstReleases() throws Exception {
    DriverLease first = DriverLease.acquire(conf, warehouse(), "s");
    UserError e = assertThrows(UserError.class, () -> DriverLease.acquire(conf, warehouse(), "s"));
    assertTrue(e.getMessage().contains("sweep 's' is being run by another driver"), e.getMessage());
    assertTrue(
        e.getMessage().contains("pid " + ProcessHandle.current().pid() + " on host "),
        e.getMessage());
    DriverLease other = DriverLease.acquire(conf, warehouse(), "another-sweep");
    other.close();
    first.close();
    assertFalse(Files.exists(leaseFile("s")), "released");
    DriverLease.acquire(conf, warehouse(), "s").close();
  }

  @Test
  void aLeaseWhoseProcessHasExitedOnThisHostIsTakenOver() throws Exception {
    Process exited = new ProcessBuilder("true").start();
    exited.waitFor();
    write("s", SweepPlan.localHost(), exited.pid(), System.currentTimeMillis());
    try (DriverLease lease = DriverLease.acquire(conf, warehouse(), "s")) {
      assertEquals(
          ProcessHandle.current().pid(),
          DriverLease.holder(conf, warehouse(), "s").orElseThrow().pid());
    }
  }

  @Test
  void aLeaseFromAnotherHostIsTakenOverOnlyOnceItIsStale() throws Exception {
    write("s", "elsewhere.invalid", 42, System.currentTimeMillis());
    UserError e = assertThrows(UserError.class, () -> DriverLease.acquire(conf, warehouse(), "s"));
    assertTrue(e.getMessage().contains("pid 42 on host elsewhere.invalid"), e.getMessage());

    long old = System.currentTimeMillis() - DriverLease.STALE_MS - 10_000;
    Files.setLastModifiedTime(leaseFile("s"), FileTime.fromMillis(old));
    try (DriverLease lease = DriverLease.acquire(conf, warehouse(), "s")) {
      assertEquals(
          SweepPlan.localHost(), DriverLease.holder(conf, warehouse(), "s").orElseThrow().host());
    }
  }

  @Test
  void anUnreadableLeaseIsTakenOver() throws Exception {
    Files.createDirectories(leaseFile("s").getParent());
    Files.writeString(leaseFile("s"), "");
    DriverLease.acquire(conf, warehouse(), "s").close();
  }

  private void write(String sweep, String host, long pid, long started) throws Exception {
    Path file = leaseFile(sweep);
    Files.createDirectories(file.getParent());
    Files.writeString(file, host + "\n" + pid + "\n" + started + "\nsome-token\n");
  }
}
