package dev.sweeplab.data;

import dev.sweeplab.spec.UserError;
import java.util.ArrayList;
import java.util.List;
import org.apache.hadoop.fs.FileStatus;

/**
 * CIFAR-10's binary format: {@code data_batch_1.bin} … {@code data_batch_5.bin} (training, read in
 * that order) and {@code test_batch.bin}, in the directory or in its {@code cifar-10-batches-bin/}
 * (as the published archive unpacks). Each file is a sequence of 3073-byte records: one label byte
 * (0..9), then 3072 pixels, 1024 red, 1024 green, 1024 blue, each plane row-major; an image's 3072
 * bytes become its input vector in that order.
 *
 * <p>A batch may hold any positive whole number of records: the published ones hold 10,000, and
 * smaller ones make test fixtures and cut-down copies possible. The sizes (and so the sample
 * counts) come from the file lengths; the files are not gzipped.
 */
final class CifarReader {
  static final int RECORD = 3073;
  static final int PIXELS = 3072;
  static final int CLASSES = 10;
  static final List<String> TRAIN =
      List.of(
          "data_batch_1.bin",
          "data_batch_2.bin",
          "data_batch_3.bin",
          "data_batch_4.bin",
          "data_batch_5.bin");
  static final List<String> TEST = List.of("test_batch.bin");

  private static final String SUBDIR = "cifar-10-batches-bin/";

  private CifarReader() {}

  /** Reads every batch in {@code dir}. */
  static ImageData read(String dir) {
    List<FileStatus> train = batches(dir, TRAIN);
    List<FileStatus> test = batches(dir, TEST);
    Part tr = read(train);
    Part te = read(test);
    return ImageData.of(
        PIXELS, CLASSES, tr.pixels, tr.labels, source(train), te.pixels, te.labels, source(test));
  }

  /** The pre-flight check: every batch present, each a whole number of records; no reading. */
  static Images.Counts counts(String dir) {
    List<FileStatus> train = batches(dir, TRAIN);
    List<FileStatus> test = batches(dir, TEST);
    return new Images.Counts(PIXELS, records(train), source(train), records(test), source(test));
  }

  private record Part(byte[] pixels, int[] labels) {}

  private static List<FileStatus> batches(String dir, List<String> names) {
    List<FileStatus> files = new ArrayList<>();
    for (String name : names) {
      FileStatus file = DataFiles.find(dir, "CIFAR-10 batch " + name, List.of(name, SUBDIR + name));
      long size = file.getLen();
      if (size == 0 || size % RECORD != 0) {
        throw UserError.of(
            "'"
                + DataFiles.show(file.getPath())
                + "' has "
                + size
                + " bytes, not a whole number of 3073-byte"
                + " CIFAR-10 records (1 label byte + 3072 pixels; a full batch has 30730000"
                + " bytes): is it truncated, or not CIFAR-10's binary version?");
      }
      files.add(file);
    }
    return files;
  }

  private static int records(List<FileStatus> files) {
    long n = 0;
    for (FileStatus f : files) {
      n += f.getLen() / RECORD;
    }
    if (n * PIXELS > Integer.MAX_VALUE - 64) {
      throw UserError.of(
          "'" + source(files) + "' hold " + n + " CIFAR-10 records, more than fit in memory");
    }
    return (int) n;
  }

  private static Part read(List<FileStatus> files) {
    int n = records(files);
    byte[] pixels = new byte[n * PIXELS];
    int[] labels = new int[n];
    byte[] record = new byte[RECORD];
    int k = 0;
    for (FileStatus file : files) {
      long count = file.getLen() / RECORD;
      try (DataFile in = DataFile.open(file, false)) {
        for (long r = 0; r < count; r++, k++) {
          in.readFully(record, "record " + r + " (" + count + " records of 3073 bytes)");
          labels[k] = record[0] & 0xff;
          if (labels[k] >= CLASSES) {
            throw UserError.of(
                "'"
                    + in.name()
                    + "' record "
                    + r
                    + " (byte offset "
                    + r * RECORD
                    + ") has label "
                    + labels[k]
                    + "; CIFAR-10 labels are 0.."
                    + (CLASSES - 1));
          }
          System.arraycopy(record, 1, pixels, k * PIXELS, PIXELS);
        }
        in.expectEnd(count + " records");
      }
    }
    return new Part(pixels, labels);
  }

  private static String source(List<FileStatus> files) {
    if (files.size() == 1) {
      return DataFiles.show(files.get(0).getPath());
    }
    List<String> names = new ArrayList<>();
    for (FileStatus f : files) {
      names.add(f.getPath().getName());
    }
    return DataFiles.show(files.get(0).getPath().getParent())
        + "/{"
        + String.join(",", names)
        + "}";
  }
}
