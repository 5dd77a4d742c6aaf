package dev.sweeplab.data;

import dev.sweeplab.spec.UserError;
import java.io.DataInputStream;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.Path;

/**
 * CIFAR-10's binary format: {@code data_batch_1.bin} … {@code data_batch_5.bin} and {@code
 * test_batch.bin}, each a sequence of 3073-byte records (one label byte, then 3072 pixels as 1024
 * red, 1024 green, 1024 blue), in the directory or its {@code cifar-10-batches-bin/}. A batch may
 * hold any whole number of records (the published ones hold 10,000).
 */
final class CifarReader {
  static final int RECORD = 3073;
  static final int PIXELS = 3072;

  private CifarReader() {}

  static ImageData read(String dir) {
    Batch train = read(dir, trainFiles(), true);
    Batch test = read(dir, List.of("test_batch.bin"), true);
    double[] m = ImageData.moments(train.pixels);
    return new ImageData(
        PIXELS, 10, train.pixels, train.labels, test.pixels, test.labels, m[0], m[1]);
  }

  /** Train and test sample counts, from file sizes only. */
  static int[] counts(String dir) {
    return new int[] {
      read(dir, trainFiles(), false).labels.length,
      read(dir, List.of("test_batch.bin"), false).labels.length
    };
  }

  private record Batch(byte[] pixels, int[] labels) {}

  private static List<String> trainFiles() {
    List<String> files = new ArrayList<>();
    for (int i = 1; i <= 5; i++) {
      files.add("data_batch_" + i + ".bin");
    }
    return files;
  }

  private static Batch read(String dir, List<String> names, boolean body) {
    List<Path> files = new ArrayList<>();
    long records = 0;
    for (String name : names) {
      Path file = DataFiles.find(dir, List.of(name, "cifar-10-batches-bin/" + name));
      long size;
      try {
        size = file.getFileSystem(new Configuration()).getFileStatus(file).getLen();
      } catch (IOException e) {
        throw UserError.io("read the size of", file.toString(), e);
      }
      if (size == 0 || size % RECORD != 0) {
        throw UserError.of(
            "'"
                + file
                + "' has "
                + size
                + " bytes, not a whole number of 3073-byte CIFAR-10"
                + " records (1 label byte + 3072 pixels)");
      }
      files.add(file);
      records += size / RECORD;
    }
    int n = Math.toIntExact(records);
    int[] labels = new int[n];
    if (!body) {
      return new Batch(null, labels);
    }
    byte[] pixels = new byte[n * PIXELS];
    byte[] record = new byte[RECORD];
    int k = 0;
    for (Path file : files) {
      try (DataInputStream in = DataFiles.open(file)) {
        long count = file.getFileSystem(new Configuration()).getFileStatus(file).getLen() / RECORD;
        for (long r = 0; r < count; r++, k++) {
          DataFiles.readFully(in, record, file, "record " + r);
          labels[k] = record[0] & 0xff;
          if (labels[k] > 9) {
            throw UserError.of(
                "'"
                    + file
                    + "' record "
                    + r
                    + " has label "
                    + labels[k]
                    + "; CIFAR-10 labels are 0..9");
          }
          System.arraycopy(record, 1, pixels, k * PIXELS, PIXELS);
        }
      } catch (IOException e) {
        throw UserError.io("read", file.toString(), e);
      }
    }
    return new Batch(pixels, labels);
  }
}
