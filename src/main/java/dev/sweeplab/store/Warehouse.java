package dev.sweeplab.store;

import java.io.FileNotFoundException;
import java.io.IOException;
import java.io.Serializable;
import org.apache.hadoop.fs.FileStatus;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;

/**
 * A warehouse: the root of its Iceberg tables' catalog (by default a Hadoop catalog whose tables
 * are {@code <root>/default/<table>/}, see {@code dev.sweeplab.store.TableStore}) and of the
 * per-run staging files under {@code <root>/_staging/}. {@link #table} and {@link #partition} name
 * the directories of the layout written before the tables were Iceberg's, which {@code
 * dev.sweeplab.store.Migration} imports. The root is any Hadoop FileSystem URI.
 */
public record Warehouse(String root) implements Serializable {
  public static final String RUNS = "runs";
  public static final String CURVES = "curves";
  public static final String SWEEPS = "sweeps";
  public static final String SCALING_FITS = "scaling_fits";
  public static final String DOUBLE_DESCENT = "double_descent";
  public static final String COORD_CHECK = "coord_check";
  public static final String WIDTH_EXPONENTS = "width_exponents";
  public static final String LR_TRANSFER = "lr_transfer";

  /** Directory of a table in the earlier layout. */
  public Path table(String name) {
    return new Path(root, name);
  }

  /** Directory of one sweep's partition of a table in the earlier layout. */
  public Path partition(String table, String sweep) {
    return new Path(table(table), "sweep=" + sweep);
  }

  /** Directory of one sweep's staged run files. */
  public Path staging(String sweep) {
    return new Path(new Path(root, "_staging"), "sweep=" + sweep);
  }

  /** The entries of {@code dir}; none when it does not exist (nothing staged or committed yet). */
  public static FileStatus[] list(FileSystem fs, Path dir) throws IOException {
    try {
      return fs.listStatus(dir);
    } catch (FileNotFoundException e) {
      return new FileStatus[0];
    }
  }
}
