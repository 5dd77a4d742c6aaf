package dev.sweeplab.data;

import dev.sweeplab.spec.UserError;
import java.util.List;
import org.apache.hadoop.fs.FileStatus;

/**
 * MNIST and Fashion-MNIST in LeCun's IDX format: {@code train-images-idx3-ubyte} (magic 0x00000803,
 * then count, rows, cols as big-endian int32, then uint8 pixels row by row), {@code
 * train-labels-idx1-ubyte} (magic 0x00000801, count, uint8 labels 0..9), and the {@code t10k-} test
 * pair. Each file may be raw or gzipped, named with or without {@code .gz}: gzip is told by its
 * magic bytes, not its name.
 */
final class IdxReader {
  static final int IMAGES_MAGIC = 0x00000803;
  static final int LABELS_MAGIC = 0x00000801;
  static final int CLASSES = 10;

  private static final int IMAGES_HEADER = 16;
  private static final int LABELS_HEADER = 8;

  private IdxReader() {}

  /** Reads the four files in {@code dir}, every pixel. */
  static ImageData read(String dir) {
    Split train = split(dir, "train", true);
    Split test = split(dir, "t10k", true);
    sameShape(train, test);
    return ImageData.of(
        train.dim,
        CLASSES,
        train.pixels,
        train.labels,
        train.source,
        test.pixels,
        test.labels,
        test.source);
  }

  /**
   * The pre-flight check: headers, file lengths (for raw files), and labels (small), without
   * keeping pixels; gzipped images are decompressed and discarded, since only that shows a cut or
   * corrupt stream (one pass over Fashion-MNIST's 30 MB, once per JVM).
   */
  static Images.Counts counts(String dir) {
    Split train = split(dir, "train", false);
    Split test = split(dir, "t10k", false);
    sameShape(train, test);
    return new Images.Counts(
        train.dim, train.labels.length, train.source, test.labels.length, test.source);
  }

  private record Split(int dim, byte[] pixels, int[] labels, String source) {}

  private static Split split(String dir, String prefix, boolean readPixels) {
    FileStatus imageFile =
        DataFiles.find(dir, prefix + " images", names(prefix + "-images-idx3-ubyte"));
    FileStatus labelFile =
        DataFiles.find(dir, prefix + " labels", names(prefix + "-labels-idx1-ubyte"));
    int n;
    int dim;
    byte[] pixels = null;
    String images;
    try (DataFile in = DataFile.open(imageFile, true)) {
      images = in.name();
      int[] header =
          in.header(
              4, "IDX header (magic, count, rows, cols)", m -> magic(in, m, IMAGES_MAGIC, "image"));
      n = nonNegative(in, header[1], "image count");
      int rows = nonNegative(in, header[2], "rows");
      int cols = nonNegative(in, header[3], "cols");
      long bytes = (long) n * rows * cols;
      if ((long) rows * cols == 0 || bytes > Integer.MAX_VALUE - 64) {
        throw UserError.of(
            "'"
                + images
                + "' declares "
                + n
                + " images of "
                + rows
                + "x"
                + cols
                + " pixels,"
                + " which is no usable image data set (empty, or over 2 GB of pixels)");
      }
      dim = rows * cols;
      String what = n + " images of " + rows + "x" + cols + " pixels";
      in.expectLength(IMAGES_HEADER + bytes, what);
      if (readPixels) {
        pixels = new byte[(int) bytes];
        in.readFully(pixels, "pixels (" + what + ")");
        in.expectEnd(what);
      } else if (in.gzip()) {
        // Only a full pass finds a cut or corrupt gzip stream (its length says nothing).
        in.skipFully(bytes, "pixels (" + what + ")");
        in.expectEnd(what);
      }
    }
    int[] labels = new int[n];
    try (DataFile in = DataFile.open(labelFile, true)) {
      int[] header =
          in.header(2, "IDX header (magic, count)", m -> magic(in, m, LABELS_MAGIC, "label"));
      if (header[1] != n) {
        throw UserError.of(
            "'"
                + in.name()
                + "' declares "
                + header[1]
                + " labels but '"
                + images
                + "' declares "
                + n
                + " images: a label file must have one label per image");
      }
      in.expectLength(LABELS_HEADER + (long) n, n + " labels");
      byte[] raw = new byte[n];
      in.readFully(raw, n + " labels");
      in.expectEnd(n + " labels");
      for (int i = 0; i < n; i++) {
        labels[i] = raw[i] & 0xff;
        if (labels[i] >= CLASSES) {
          throw UserError.of(
              "'"
                  + in.name()
                  + "' has label "
                  + labels[i]
                  + " at position "
                  + i
                  + "; labels must be 0.."
                  + (CLASSES - 1));
        }
      }
    }
    return new Split(dim, pixels, labels, images);
  }

  private static void magic(DataFile in, int found, int expected, String kind) {
    if (found == expected) {
      return;
    }
    String hint =
        found == IMAGES_MAGIC || found == LABELS_MAGIC
            ? " (that is an IDX "
                + (kind.equals("image") ? "label" : "image")
                + " file: are the file names swapped?)"
            : "";
    throw UserError.of(
        "'"
            + in.name()
            + "' is not an IDX "
            + kind
            + " file: magic number "
            + String.format("0x%08x", found)
            + ", expected "
            + String.format("0x%08x", expected)
            + hint);
  }

  private static int nonNegative(DataFile in, int value, String field) {
    if (value < 0) {
      throw UserError.of(
          "'"
              + in.name()
              + "' has a corrupt IDX header: "
              + field
              + " is "
              + Integer.toUnsignedString(value));
    }
    return value;
  }

  private static void sameShape(Split train, Split test) {
    if (train.dim != test.dim) {
      throw UserError.of(
          "'"
              + train.source
              + "' holds images of "
              + train.dim
              + " pixels but '"
              + test.source
              + "' holds images of "
              + test.dim
              + ": training and test files must match");
    }
  }

  private static List<String> names(String base) {
    return List.of(base, base + ".gz");
  }
}
