package dev.sweeplab.store;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FSDataInputStream;
import org.apache.hadoop.fs.FileStatus;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.apache.parquet.hadoop.ParquetFileReader;
import org.apache.parquet.hadoop.util.HadoopInputFile;

/**
 * Staged run files that cannot be read (a disk that filled, a copy cut short) are set aside in the
 * sweep's staging directory under {@code _unreadable/}, each with a {@code <name>.why} file that
 * says why, so that their runs count as not staged and are trained again. Only an earlier set-aside
 * copy of the same file is replaced; nothing else is deleted. The underscore keeps the directory
 * out of every listing of runs. Driver-side.
 */
public final class Unreadable {
  /** The directory, inside a sweep's staging directory, of the files set aside. */
  public static final String DIR = "_unreadable";

  private Unreadable() {}

  /**
   * Sets aside the staged files in {@code dir} that are too short to be of their format (a check on
   * the listing alone, so it costs nothing per file) and, when {@code deep}, those that cannot be
   * read or do not hold exactly one run. Returns file name → why, in listing order.
   */
  public static Map<String, String> setAside(Configuration conf, Path dir, boolean deep)
      throws IOException {
    FileSystem fs = dir.getFileSystem(conf);
    Map<String, String> setAside = new LinkedHashMap<>();
    for (FileStatus f : Warehouse.list(fs, dir)) {
      String name = f.getPath().getName();
      StagedName staged = f.isFile() ? StagedName.of(name) : null;
      if (staged == null) {
        continue;
      }
      StagedName.Format format = staged.format();
      String why =
          f.getLen() < format.minBytes()
              ? f.getLen() + " bytes, too short to be " + format.description()
              : null;
      if (why == null && deep) {
        why =
            format == StagedName.Format.PARQUET
                ? unreadableParquet(conf, f)
                : unreadable(conf, f.getPath());
      }
      if (why != null) {
        move(fs, dir, f.getPath(), why);
        setAside.put(name, why);
      }
    }
    return setAside;
  }

  /** The files set aside in {@code dir}: name → why. */
  public static Map<String, String> list(Configuration conf, Path dir) throws IOException {
    FileSystem fs = dir.getFileSystem(conf);
    Path aside = new Path(dir, DIR);
    Map<String, String> found = new LinkedHashMap<>();
    List<FileStatus> files = new ArrayList<>(List.of(Warehouse.list(fs, aside)));
    files.sort((a, b) -> a.getPath().getName().compareTo(b.getPath().getName()));
    for (FileStatus f : files) {
      String name = f.getPath().getName();
      if (isRunFile(name)) {
        Path why = new Path(aside, name + ".why");
        found.put(name, fs.exists(why) ? read(fs, why) : "");
      }
    }
    return found;
  }

  static boolean isRunFile(String name) {
    return StagedName.of(name) != null;
  }

  /**
   * Why the Avro file {@code file} cannot be read as a staged run, or null when it reads and holds
   * one row (Avro's reader checks the magic number, the header and each block's sync marker).
   */
  private static String unreadable(Configuration conf, Path file) {
    long[] rows = {0};
    try {
      Staging.read(conf, file, row -> rows[0]++);
    } catch (IOException | RuntimeException e) {
      return "it cannot be read: " + e.getMessage();
    }
    return rows[0] == 1 ? null : "holds " + rows[0] + " rows, not one run";
  }

  /**
   * Why the Parquet file {@code f} cannot be read as a staged run, or null when its footer reads
   * (Parquet's reader checks the magic number at both ends and the footer's length first).
   */
  private static String unreadableParquet(Configuration conf, FileStatus f) {
    try (ParquetFileReader reader = ParquetFileReader.open(HadoopInputFile.fromStatus(f, conf))) {
      return reader.getRecordCount() == 1
          ? null
          : "holds " + reader.getRecordCount() + " rows, not one run";
    } catch (IOException | RuntimeException e) {
      return "its footer cannot be read: " + e.getMessage();
    }
  }

  private static void move(FileSystem fs, Path dir, Path file, String why) throws IOException {
    Path aside = new Path(dir, DIR);
    fs.mkdirs(aside);
    Path target = new Path(aside, file.getName());
    fs.delete(target, false); // an earlier file of the same run set aside before
    if (!fs.rename(file, target)) {
      throw new IOException("could not move " + file + " to " + target);
    }
    try (OutputStream out = fs.create(new Path(aside, file.getName() + ".why"), true)) {
      out.write(why.getBytes(StandardCharsets.UTF_8));
    }
  }

  private static String read(FileSystem fs, Path file) throws IOException {
    try (FSDataInputStream in = fs.open(file)) {
      return new String(in.readAllBytes(), StandardCharsets.UTF_8).strip();
    }
  }
}
