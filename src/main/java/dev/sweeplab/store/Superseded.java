package dev.sweeplab.store;

import java.io.IOException;
import java.util.Collection;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;

/**
 * A staged file of a planned run computed by other training maths than the run's current {@link
 * dev.sweeplab.train.Numerics} version (an older sweeplab, or an executor that still runs one): its
 * numbers are not the run's, so it is neither reused nor committed. {@link #setAside} moves such
 * files into the sweep's staging directory under {@code _superseded/}, kept for comparison; the
 * underscore keeps them out of every listing of runs. Driver-side.
 *
 * @param file the staged file
 * @param runId its run
 * @param numerics the version that computed it (from its name)
 * @param current the run's version now
 */
public record Superseded(Path file, String runId, int numerics, int current) {
  /** The directory, inside a sweep's staging directory, of the files set aside. */
  public static final String DIR = "_superseded";

  /**
   * Moves {@code files} of staging directory {@code dir} into {@code dir/_superseded/}; an earlier
   * file of the same name there is replaced. A file already gone (another attempt moved it) is
   * skipped.
   */
  public static void setAside(Configuration conf, Path dir, Collection<Superseded> files)
      throws IOException {
    if (files.isEmpty()) {
      return;
    }
    FileSystem fs = dir.getFileSystem(conf);
    Path aside = new Path(dir, DIR);
    fs.mkdirs(aside);
    for (Superseded s : files) {
      Path target = new Path(aside, s.file().getName());
      fs.delete(target, false);
      if (!fs.rename(s.file(), target) && fs.exists(s.file())) {
        throw new IOException("could not move " + s.file() + " to " + target);
      }
    }
  }
}
