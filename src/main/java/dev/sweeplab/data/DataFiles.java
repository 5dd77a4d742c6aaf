package dev.sweeplab.data;

import dev.sweeplab.spec.UserError;
import dev.sweeplab.store.Schemes;
import java.io.FileNotFoundException;
import java.io.IOException;
import java.util.List;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileStatus;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;

/**
 * Finding data files in a directory given as a local path or any Hadoop URI (HDFS, S3A...), with
 * errors that say which directory and which names were looked for.
 */
final class DataFiles {
  private static final Configuration CONF = new Configuration();

  private DataFiles() {}

  /** A path as people wrote it: a local file without its {@code file:} scheme. */
  static String show(Path path) {
    return "file".equals(path.toUri().getScheme()) ? path.toUri().getPath() : path.toString();
  }

  /** The file system that holds {@code path}. */
  static FileSystem fileSystem(Path path) {
    Schemes.check("dataset.path", path.toString(), CONF);
    try {
      return path.getFileSystem(CONF);
    } catch (IOException e) {
      throw UserError.io("reach the file system of", path.toString(), e);
    }
  }

  /**
   * The first of {@code names} (relative to {@code dir}) that is a file; a UserError naming the
   * directory, the {@code what} and every name tried when none is.
   */
  static FileStatus find(String dir, String what, List<String> names) {
    if (dir == null || dir.isBlank()) {
      throw UserError.of(
          "dataset.path is empty: give the directory (or Hadoop URI) that holds the " + what);
    }
    Path base = new Path(dir);
    FileSystem fs = fileSystem(base);
    try {
      if (!fs.getFileStatus(base).isDirectory()) {
        throw UserError.of(
            "dataset.path '"
                + dir
                + "' is a file; it must be the directory that holds the "
                + what);
      }
    } catch (FileNotFoundException e) {
      throw UserError.of(
          "data directory '"
              + dir
              + "' (dataset.path) does not exist; it should hold "
              + String.join(", ", names));
    } catch (IOException e) {
      throw UserError.io("look for data files in", dir, e);
    }
    for (String name : names) {
      Path p = new Path(base, name);
      try {
        FileStatus status = fs.getFileStatus(p);
        if (status.isFile()) {
          return status;
        }
      } catch (FileNotFoundException e) {
        // try the next name
      } catch (IOException e) {
        throw UserError.io("look for the " + what + " file", p.toString(), e);
      }
    }
    throw UserError.of(
        "data file missing: no "
            + what
            + " file in '"
            + dir
            + "'; looked for "
            + String.join(", ", names)
            + ". Set dataset.path to the directory that holds them");
  }
}
