package dev.sweeplab.data;

import dev.sweeplab.spec.UserError;
import java.io.DataInputStream;
import java.io.IOException;
import java.util.List;
import org.apache.hadoop.fs.Path;

/**
 * MNIST and Fashion-MNIST in LeCun's IDX format: {@code train-images-idx3-ubyte} (magic 0x803,
 * count, rows, cols, then uint8 pixels), {@code train-labels-idx1-ubyte} (magic 0x801, count, uint8
 * labels) and the {@code t10k-} test pair, each raw or gzipped ({@code .gz}).
 */
final class IdxReader {
  static final int IMAGES_MAGIC = 0x00000803;
  static final int LABELS_MAGIC = 0x00000801;

  private IdxReader() {}

  /** Reads the four files in {@code dir}. */
  static ImageData read(String dir, int classes) {
    Split train = split(dir, "train", classes, true);
    Split test = split(dir, "t10k", classes, true);
    double[] m = ImageData.moments(train.pixels);
    return new ImageData(
        train.dim, classes, train.pixels, train.labels, test.pixels, test.labels, m[0], m[1]);
  }

  /** Checks headers and counts only: train and test sample counts. */
  static int[] counts(String dir, int classes) {
    return new int[] {
      split(dir, "train", classes, false).labels.length,
      split(dir, "t10k", classes, false).labels.length
    };
  }

  private record Split(int dim, byte[] pixels, int[] labels) {}

  private static Split split(String dir, String prefix, int classes, boolean body) {
    Path images = DataFiles.find(dir, names(prefix + "-images-idx3-ubyte"));
    Path labels = DataFiles.find(dir, names(prefix + "-labels-idx1-ubyte"));
    int n;
    int dim;
    byte[] pixels = null;
    try (DataInputStream in = DataFiles.open(images)) {
      int[] header = header(in, images, IMAGES_MAGIC, 4);
      n = header[0];
      dim = header[1] * header[2];
      if (body) {
        pixels = new byte[n * dim];
        DataFiles.readFully(in, pixels, images, n + " images of " + dim + " pixels");
      }
    } catch (IOException e) {
      throw UserError.io("read", images.toString(), e);
    }
    int[] y;
    try (DataInputStream in = DataFiles.open(labels)) {
      int count = header(in, labels, LABELS_MAGIC, 2)[0];
      if (count != n) {
        throw UserError.of(
            "'" + labels + "' has " + count + " labels but '" + images + "' has " + n + " images");
      }
      y = new int[n];
      if (body) {
        byte[] raw = new byte[n];
        DataFiles.readFully(in, raw, labels, n + " labels");
        for (int i = 0; i < n; i++) {
          y[i] = raw[i] & 0xff;
          if (y[i] >= classes) {
            throw UserError.of(
                "'"
                    + labels
                    + "' has label "
                    + y[i]
                    + " at position "
                    + i
                    + "; labels must be 0.."
                    + (classes - 1));
          }
        }
      }
    } catch (IOException e) {
      throw UserError.io("read", labels.toString(), e);
    }
    return new Split(dim, pixels, y);
  }

  /** Magic number check, then the dimension sizes (count first). */
  private static int[] header(DataInputStream in, Path file, int magic, int ints) {
    byte[] raw = new byte[4 * ints];
    DataFiles.readFully(in, raw, file, "IDX header");
    java.nio.ByteBuffer b = java.nio.ByteBuffer.wrap(raw);
    int found = b.getInt();
    if (found != magic) {
      throw UserError.of(
          "'"
              + file
              + "' is not an IDX "
              + (magic == IMAGES_MAGIC ? "image" : "label")
              + " file: magic number 0x"
              + String.format("%08x", found)
              + ", expected 0x"
              + String.format("%08x", magic));
    }
    int[] dims = new int[ints - 1];
    for (int i = 0; i < dims.length; i++) {
      dims[i] = b.getInt();
      if (dims[i] < 0) {
        throw UserError.of("'" + file + "' has a negative dimension " + dims[i] + " in its header");
      }
    }
    return dims;
  }

  private static List<String> names(String base) {
    return List.of(base, base + ".gz");
  }
}
