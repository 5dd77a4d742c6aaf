package dev.sweeplab.engine;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.sweeplab.cli.StatusView;
import dev.sweeplab.spec.RunConfig;
import dev.sweeplab.spec.SweepSpec;
import dev.sweeplab.store.SweepStatus;
import dev.sweeplab.store.Unreadable;
import dev.sweeplab.store.Warehouse;
import dev.sweeplab.testing.SparkTestBase;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.ZoneId;
import java.util.Arrays;
import java.util.List;
import java.util.Set;
import org.apache.hadoop.conf.Configuration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A staged run file that cannot be read, left empty by a full disk or cut short by a copy, is set
 * aside with the reason, its run is trained again, the sweep commits every run once, and {@code
 * status} names the file.
 */
class UnreadableStagingTest extends SparkTestBase {
  @TempDir Path tmp;

  @Test
  void anEmptyAndACutShortFileAreSetAsideAndTheirRunsTrainedAgain() throws Exception {
    Warehouse warehouse = new Warehouse(tmp.resolve("wh").toString());
    SweepSpec spec = SweepCommitTest.spec("unreadable");
    SweepOutcome first = new SweepRunner(spark, warehouse).run(spec, false);
    assertEquals(5, first.counts().ok(), first.toString());

    List<RunConfig> runs = spec.expand();
    Path staging = Path.of(warehouse.staging("unreadable").toString());
    Path empty = staging.resolve(SweepCommitTest.stagedName(runs.get(1)));
    Path cut = staging.resolve(SweepCommitTest.stagedName(runs.get(3)));
    byte[] whole = Files.readAllBytes(cut);
    Files.write(empty, new byte[0]);
    Files.write(cut, Arrays.copyOf(whole, whole.length / 2));
    for (Path p : List.of(empty, cut)) {
      Files.deleteIfExists(p.resolveSibling("." + p.getFileName() + ".crc"));
    }

    SweepOutcome again = new SweepRunner(spark, warehouse).run(spec, false);

    assertEquals(
        Set.of(empty.getFileName().toString(), cut.getFileName().toString()),
        again.setAside().keySet(),
        again.toString());
    assertTrue(
        again.setAside().get(empty.getFileName().toString()).contains("0 bytes"), again.toString());
    assertEquals(2, again.counts().trained(), "the two runs trained again: " + again);
    assertEquals(3, again.counts().reused(), again.toString());
    assertEquals(5, again.counts().ok(), again.toString());
    Tables.register(spark, warehouse);
    assertRows(
        "every run committed once",
        sql("SELECT count(*), count(DISTINCT run_id) FROM runs WHERE sweep = 'unreadable'"),
        row(5L, 5L));
    Path aside = staging.resolve(Unreadable.DIR);
    for (Path p : List.of(empty, cut)) {
      assertTrue(Files.exists(aside.resolve(p.getFileName())), "kept for inspection: " + p);
      assertTrue(Files.exists(aside.resolve(p.getFileName() + ".why")), "with its reason: " + p);
      assertTrue(Files.size(p) > 100, "a whole file staged again: " + p);
    }

    String status =
        StatusView.render(
            SweepStatus.of(new Configuration(), warehouse, "unreadable"),
            ZoneId.of("UTC"),
            System.currentTimeMillis());
    assertTrue(status.contains(Unreadable.DIR + "/" + empty.getFileName()), status);
    assertTrue(status.contains(Unreadable.DIR + "/" + cut.getFileName()), status);
  }
}
