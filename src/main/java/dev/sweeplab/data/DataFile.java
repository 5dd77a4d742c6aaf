package dev.sweeplab.data;

import dev.sweeplab.spec.UserError;
import java.io.BufferedInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.util.function.IntConsumer;
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
    int got = readUpTo(bytes, what);
    if (got < bytes.length) {
      throw failure(path, new EOFException(), what, bytes.length, got);
    }
  }

  /**
   * Reads and discards exactly {@code count} bytes: for a gzip file this is what finds a cut or
   * corrupt stream without holding its content.
   */
  void skipFully(long count, String what) {
    byte[] buffer = new byte[(int) Math.min(BUFFER, Math.max(count, 1))];
    long got = 0;
    try {
      while (got < count) {
        int n = in.read(buffer, 0, (int) Math.min(buffer.length, count - got));
        if (n < 0) {
          break;
        }
        got += n;
      }
    } catch (IOException e) {
      throw thrown(e, what, count, got);
    }
    if (got < count) {
      throw failure(path, new EOFException(), what, count, got);
    }
  }

  /** Whether the file is gzipped (and read decompressed). */
  boolean gzip() {
    return gzip;
  }

  /**
   * A header of {@code count} big-endian 32-bit integers, the first a magic number handed to {@code
   * magic} as soon as it is read: a file of another kind is named as such (and not as truncated)
   * even when it is shorter than the header.
   */
  int[] header(int count, String what, IntConsumer magic) {
    byte[] raw = new byte[4 * count];
    int got = readUpTo(raw, what);
    if (got >= 4) {
      magic.accept(intAt(raw, 0));
    }
    if (got < raw.length) {
      throw failure(path, new EOFException(), what, raw.length, got);
    }
    int[] out = new int[count];
    for (int i = 0; i < count; i++) {
      out[i] = intAt(raw, 4 * i);
    }
    return out;
  }

  private static int intAt(byte[] raw, int at) {
    return (raw[at] & 0xff) << 24
        | (raw[at + 1] & 0xff) << 16
        | (raw[at + 2] & 0xff) << 8
        | (raw[at + 3] & 0xff);
  }

  /** Reads until {@code bytes} is full or the file ends; how many bytes were read. */
  private int readUpTo(byte[] bytes, String what) {
    int got = 0;
    try {
      while (got < bytes.length) {
        int n = in.read(bytes, got, bytes.length - got);
        if (n < 0) {
          break;
        }
        got += n;
      }
    } catch (IOException e) {
      throw thrown(e, what, bytes.length, got);
    }
    return got;
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

  /**
   * A read that threw. An EOFException from the stream itself is a gzip stream cut off; how many
   * bytes arrived before it is unknown (a buffered read drops its count when it throws).
   */
  private UserError thrown(IOException e, String what, long expected, long got) {
    if (e instanceof EOFException) {
      return UserError.of(
          "'"
              + path
              + "' is truncated: its "
              + (gzip ? "gzip stream" : "data")
              + " breaks off within the "
              + expected
              + " bytes of "
              + what);
    }
    return failure(path, e, what, expected, got);
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
