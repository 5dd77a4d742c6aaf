package dev.sweeplab.store;

import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * What a staging file's name says: {@code <run_id>[.n<numerics>][.timeout-<limit ms>].avro}. The
 * {@link dev.sweeplab.train.Numerics} version is marked only above 1, so the plain name is numerics
 * 1; the timeout part is there only for a run stopped by the sweep's time limit (see {@link
 * Staging}). A name ending in {@code .parquet} instead is a run staged in the earlier format, a
 * Parquet file, which every reader still reads. Any other name is not a staged run.
 *
 * @param runId the run
 * @param numerics the version of the training maths that computed it
 * @param timeoutMs the limit it timed out under; 0 for a finished run
 * @param format the file's format, named by its extension
 */
public record StagedName(String runId, int numerics, long timeoutMs, Format format) {
  private static final Pattern RUN_FILE =
      Pattern.compile(
          "([0-9a-f]{16})(?:\\.n([2-9]|[1-9][0-9]{1,8}))?(?:\\.timeout-([1-9][0-9]{0,17}))?"
              + "\\.(avro|parquet)");

  /** A staging file's format. */
  public enum Format {
    /**
     * One row in an Avro container file ({@link AvroRows}): what {@link Staging} writes. The
     * smallest such file is the magic number, an empty metadata map and the sync marker.
     */
    AVRO("avro", "an Avro file", 21),
    /**
     * One row in a Parquet file: what earlier versions wrote. The smallest such file is the magic
     * number, the footer's length and the magic number.
     */
    PARQUET("parquet", "Parquet", 12);

    private final String extension;
    private final String description;
    private final long minBytes;

    Format(String extension, String description, long minBytes) {
      this.extension = extension;
      this.description = description;
      this.minBytes = minBytes;
    }

    /** What a file of this format is, for messages ("too short to be Parquet"). */
    String description() {
      return description;
    }

    /** The fewest bytes a file of this format can have. */
    long minBytes() {
      return minBytes;
    }

    /** The file name's extension, without the dot. */
    public String extension() {
      return extension;
    }
  }

  /** The name of a file in the format {@link Staging} writes. */
  public StagedName(String runId, int numerics, long timeoutMs) {
    this(runId, numerics, timeoutMs, Format.AVRO);
  }

  /** The file name. */
  public String file() {
    return runId
        + (numerics == 1 ? "" : ".n" + numerics)
        + (timeoutMs > 0 ? ".timeout-" + timeoutMs : "")
        + "."
        + format.extension;
  }

  /** The same run, numerics and limit in {@code other}'s format. */
  StagedName in(Format other) {
    return new StagedName(runId, numerics, timeoutMs, other);
  }

  /** The name {@code fileName} stands for, or null when it is not a staged run's file. */
  public static StagedName of(String fileName) {
    Matcher m = RUN_FILE.matcher(fileName);
    if (!m.matches()) {
      return null;
    }
    return new StagedName(
        m.group(1),
        m.group(2) == null ? 1 : Integer.parseInt(m.group(2)),
        m.group(3) == null ? 0 : Long.parseLong(m.group(3)),
        m.group(4).equals(Format.AVRO.extension) ? Format.AVRO : Format.PARQUET);
  }

  /**
   * Whether this file of a run stands for it before {@code other}, a file of the same run and
   * numerics: a finished file before a timed-out one, a longer limit before a shorter one (a run is
   * retried only under a longer limit, so that file is its latest attempt); of two files of the
   * same attempt and numerics, the one in the format written now (an earlier version staged the run
   * while this one did too).
   */
  boolean standsBefore(StagedName other) {
    if (timeoutMs == other.timeoutMs) {
      return numerics == other.numerics && format == Format.AVRO && other.format == Format.PARQUET;
    }
    return other.timeoutMs > 0 && (timeoutMs == 0 || timeoutMs > other.timeoutMs);
  }
}
