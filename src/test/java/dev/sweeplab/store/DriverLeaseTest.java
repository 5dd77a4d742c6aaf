package dev.sweeplab.store;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.sweeplab.spec.UserError;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
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
  void anUnreadableLeaseIsTakenOverOnlyOnceItIsStale() throws Exception {
    Files.createDirectories(leaseFile("s").getParent());
    Files.writeString(leaseFile("s"), "");
    UserError e = assertThrows(UserError.class, () -> DriverLease.acquire(conf, warehouse(), "s"));
    assertTrue(e.getMessage().contains("its lease is being written"), e.getMessage());
    long old = System.currentTimeMillis() - DriverLease.STALE_MS - 10_000;
    Files.setLastModifiedTime(leaseFile("s"), FileTime.fromMillis(old));
    DriverLease.acquire(conf, warehouse(), "s").close();
  }

  @Test
  void ofDriversStartingTogetherExactlyOneHoldsTheLease() throws Exception {
    ExecutorService pool = Executors.newFixedThreadPool(4);
    try {
      for (int trial = 0; trial < 50; trial++) {
        String sweep = "race" + trial;
        CountDownLatch go = new CountDownLatch(1);
        List<Future<DriverLease>> drivers = new ArrayList<>();
        for (int d = 0; d < 4; d++) {
          drivers.add(
              pool.submit(
                  () -> {
                    go.await();
                    try {
                      return DriverLease.acquire(conf, warehouse(), sweep);
                    } catch (UserError refused) {
                      return null;
                    }
                  }));
        }
        go.countDown();
        List<DriverLease> held = new ArrayList<>();
        for (Future<DriverLease> f : drivers) {
          if (f.get() != null) {
            held.add(f.get());
          }
        }
        assertEquals(1, held.size(), "trial " + trial + ": one holder of " + sweep);
        held.forEach(DriverLease::close);
      }
    } finally {
      pool.shutdownNow();
    }
  }

  @Test
  void aDriverWhoseLeaseWasTakenOverDoesNotCommit() throws Exception {
    DriverLease stalled = DriverLease.acquire(conf, warehouse(), "s");
    stalled.check(); // still held
    Files.writeString(leaseFile("s"), "elsewhere.invalid\n7\n1\nanother-token\n");
    UserError e = assertThrows(UserError.class, stalled::check);
    assertTrue(e.getMessage().contains("no longer holds the lease"), e.getMessage());
    assertTrue(e.getMessage().contains("pid 7 on host elsewhere.invalid"), e.getMessage());
    stalled.close();
    assertTrue(Files.exists(leaseFile("s")), "the new holder's lease is left alone");
  }

  private void write(String sweep, String host, long pid, long started) throws Exception {
    Path file = leaseFile(sweep);
    Files.createDirectories(file.getParent());
    Files.writeString(file, host + "\n" + pid + "\n" + started + "\nsome-token\n");
  }
}
