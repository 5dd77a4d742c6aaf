package dev.sweeplab.data;

import dev.sweeplab.spec.UserError;
import java.io.BufferedInputStream;
import java.io.DataInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.util.List;
import java.util.zip.GZIPInputStream;
import java.util.zip.ZipException;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;

/**
 * Opening data files through the Hadoop FileSystem (a local directory, HDFS, S3A...), gzip or not,
 * with errors that name the file.
 */
final class DataFiles {
  private DataFiles() {}

  /** The first of {@code names} that exists in {@code dir}; a UserError listing them if none. */
  static Path find(String dir, List<String> names) {
    try {
      Path base = new Path(dir);
      FileSystem fs = base.getFileSystem(new Configuration());
      for (String name : names) {
        Path p = new Path(base, name);
        if (fs.isFile(p)) {
          return p;
        }
      }
    } catch (IOException e) {
      throw UserError.io("look for data files in", dir, e);
    }
    throw UserError.of(
        "data file missing in '"
            + dir
            + "': looked for "
            + String.join(" or ", names)
            + " (set dataset.path to the directory that holds them)");
  }

  /** A stream over the file's contents, un-gzipped when it starts with gzip's magic bytes. */
  static DataInputStream open(Path file) {
    try {
      InputStream raw =
          new BufferedInputStream(file.getFileSystem(new Configuration()).open(file), 1 << 16);
      raw.mark(2);
      int b1 = raw.read();
      int b2 = raw.read();
      raw.reset();
      InputStream in = b1 == 0x1f && b2 == 0x8b ? new GZIPInputStream(raw, 1 << 16) : raw;
      return new DataInputStream(new BufferedInputStream(in, 1 << 16));
    } catch (ZipException e) {
      throw UserError.of("'" + file + "' is not a valid gzip file: " + e.getMessage());
    } catch (IOException e) {
      throw UserError.io("open data file", file.toString(), e);
    }
  }

  /** Reads exactly {@code bytes.length} bytes or fails naming the file and the shortfall. */
  static void readFully(DataInputStream in, byte[] bytes, Path file, String what) {
    int got = 0;
    try {
      while (got < bytes.length) {
        int n = in.read(bytes, got, bytes.length - got);
        if (n < 0) {
          throw new EOFException();
        }
        got += n;
      }
    } catch (EOFException e) {
      throw UserError.of(
          "'"
              + file
              + "' is truncated: expected "
              + bytes.length
              + " bytes of "
              + what
              + ", got "
              + got);
    } catch (ZipException e) {
      throw UserError.of("'" + file + "' is a broken gzip file: " + e.getMessage());
    } catch (IOException e) {
      throw UserError.io("read " + what + " from", file.toString(), e);
    }
  }
}
