package dev.sweeplab.data;

import dev.sweeplab.spec.UserError;
import java.io.BufferedInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.util.zip.GZIPInputStream;
import java.util.zip.ZipException;
import org.apache.hadoop.fs.FileStatus;
import org.apache.hadoop.fs.Path;

/**
 * One data file open for reading, gunzipped on the fly when it starts with gzip's magic bytes (1f
 * 8b) whatever its name. Every problem is a UserError that names the file and says what was wrong:
 * truncated (bytes expected vs got), broken gzip, bytes beyond what the header declares.
 */
final class DataFile implements AutoCloseable {
  private static final int BUFFER = 1 << 16;

  private final String path;
  private final long length;
  private final boolean gzip;
  private final InputStream in;

  private DataFile(String path, long length, boolean gzip, InputStream in) {
    this.path = path;
    this.length = length;
    this.gzip = gzip;
    this.in = in;
  }

  /** Opens {@code file}; with {@code gunzip}, a gzip file is read decompressed. */
  static DataFile open(FileStatus file, boolean gunzip) {
    Path path = file.getPath();
    String name = DataFiles.show(path);
    InputStream raw = null;
    boolean gzip;
    try {
      raw = new BufferedInputStream(DataFiles.fileSystem(path).open(path), BUFFER);
      raw.mark(2);
      gzip = gunzip && raw.read() == 0x1f && raw.read() == 0x8b;
      raw.reset();
    } catch (IOException e) {
      closeQuietly(raw);
      throw UserError.io("open data file", name, e);
    }
    if (!gzip) {
      return new DataFile(name, file.getLen(), false, raw);
    }
    try {
      InputStream in = new BufferedInputStream(new GZIPInputStream(raw, BUFFER), BUFFER);
      return new DataFile(name, file.getLen(), true, in);
    } catch (IOException e) {
      closeQuietly(raw);
      throw failure(name, e, "gzip header", 10, 0);
    }
  }

  /** The file's full path, for messages. */
  String name() {
    return path;
  }

  /** Reads exactly {@code bytes.length} bytes, or fails naming the file and the shortfall. */
  void readFully(byte[] bytes, String what) {
    int got = 0;
    try {
      while (got < bytes.length) {
        int n = in.read(bytes, got, bytes.length - got);
        if (n < 0) {
          throw new EOFException();
        }
        got += n;
      }
    } catch (IOException e) {
      throw failure(path, e, what, bytes.length, got);
    }
  }

  /** {@code count} big-endian 32-bit integers. */
  int[] ints(int count, String what) {
    byte[] raw = new byte[4 * count];
    readFully(raw, what);
    int[] out = new int[count];
    for (int i = 0; i < count; i++) {
      out[i] =
          (raw[4 * i] & 0xff) << 24
              | (raw[4 * i + 1] & 0xff) << 16
              | (raw[4 * i + 2] & 0xff) << 8
              | (raw[4 * i + 3] & 0xff);
    }
    return out;
  }

  /**
   * For an uncompressed file, checks that its length is the {@code expected} bytes its header
   * declares ({@code what}); a gzip file's length says nothing, so it is checked while reading.
   */
  void expectLength(long expected, String what) {
    if (gzip || length == expected) {
      return;
    }
    if (length < expected) {
      throw UserError.of(
          "'"
              + path
              + "' is truncated: its header declares "
              + what
              + ", which takes "
              + expected
              + " bytes, but the file has "
              + length);
    }
    throw UserError.of(
        "'"
            + path
            + "' has "
            + length
            + " bytes, more than the "
            + expected
            + " its header declares ("
            + what
            + ")");
  }

  /** Checks nothing follows {@code what}; for gzip this also verifies the CRC in its trailer. */
  void expectEnd(String what) {
    int next;
    try {
      next = in.read();
    } catch (IOException e) {
      throw failure(path, e, "the end of the file", 1, 0);
    }
    if (next >= 0) {
      throw UserError.of("'" + path + "' holds more data than its header declares (" + what + ")");
    }
  }

  @Override
  public void close() {
    try {
      in.close();
    } catch (IOException e) {
      throw UserError.io("close", path, e);
    }
  }

  private static UserError failure(
      String path, IOException e, String what, long expected, long got) {
    if (e instanceof ZipException) {
      return UserError.of("'" + path + "' is a broken gzip file (" + e.getMessage() + ")");
    }
    if (e instanceof EOFException) {
      return UserError.of(
          "'"
              + path
              + "' is truncated: expected "
              + expected
              + " bytes of "
              + what
              + ", got "
              + got);
    }
    return UserError.io("read " + what + " from", path, e);
  }

  private static void closeQuietly(InputStream in) {
    if (in != null) {
      try {
        in.close();
      } catch (IOException ignored) {
        // the read already failed; that is the error to report
      }
    }
  }
}
