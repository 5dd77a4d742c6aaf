package dev.sweeplab.engine;

import dev.sweeplab.store.Compaction;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.hadoop.fs.Path;
import org.apache.spark.api.java.function.Function;
import org.apache.spark.broadcast.Broadcast;

/**
 * The executor side of a commit: compacts one group of staging files into one {@code runs} file and
 * one {@code curves} file in the commit's pending directories (see {@link Compaction#compact}) and
 * returns its runs' counts per status. A retried or speculative attempt writes the same file names
 * and keeps the first one that landed.
 */
final class CompactTask implements Function<CompactTask.Group, HashMap<String, Long>> {
  private static final long serialVersionUID = 1L;

  /** The {@code index}-th group of staging files (paths as strings). */
  record Group(int index, List<String> files) implements java.io.Serializable {}

  private final Broadcast<Map<String, String>> hadoopConf;
  private final String runsDir;
  private final String curvesDir;

  CompactTask(Broadcast<Map<String, String>> hadoopConf, Path runsDir, Path curvesDir) {
    this.hadoopConf = hadoopConf;
    this.runsDir = runsDir.toString();
    this.curvesDir = curvesDir.toString();
  }

  /** The name of the file each table gets from {@code group}. */
  static String fileName(Group group) {
    return String.format("part-%05d.parquet", group.index());
  }

  @Override
  public HashMap<String, Long> call(Group group) throws Exception {
    String name = fileName(group);
    return new HashMap<>(
        Compaction.compact(
            HadoopConf.of(hadoopConf),
            group.files().stream().map(Path::new).toList(),
            new Path(runsDir, name),
            new Path(curvesDir, name)));
  }
}
