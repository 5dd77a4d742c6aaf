package dev.sweeplab.data;

import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.sweeplab.spec.UserError;
import java.io.ByteArrayOutputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.function.IntUnaryOperator;
import java.util.zip.GZIPOutputStream;

/** Writes small, real IDX and CIFAR-10 files for tests; every byte follows a formula. */
final class Fixtures {
  static final String[] CIFAR_TRAIN = {
    "data_batch_1.bin",
    "data_batch_2.bin",
    "data_batch_3.bin",
    "data_batch_4.bin",
    "data_batch_5.bin"
  };

  private Fixtures() {}

  /** Pixel j of image i, in any of these files. */
  static int pixel(int i, int j) {
    return (i * 7 + j * 3) % 256;
  }

  /** IDX images of rows×cols. */
  static byte[] images(int n, int rows, int cols) {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    DataOutputStream out = new DataOutputStream(bytes);
    try {
      out.writeInt(IdxReader.IMAGES_MAGIC);
      out.writeInt(n);
      out.writeInt(rows);
      out.writeInt(cols);
      for (int i = 0; i < n; i++) {
        for (int j = 0; j < rows * cols; j++) {
          out.writeByte(pixel(i, j));
        }
      }
    } catch (IOException e) {
      throw new AssertionError(e);
    }
    return bytes.toByteArray();
  }

  /** IDX labels, label i = {@code label(i)}. */
  static byte[] labels(int n, IntUnaryOperator label) {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    DataOutputStream out = new DataOutputStream(bytes);
    try {
      out.writeInt(IdxReader.LABELS_MAGIC);
      out.writeInt(n);
      for (int i = 0; i < n; i++) {
        out.writeByte(label.applyAsInt(i));
      }
    } catch (IOException e) {
      throw new AssertionError(e);
    }
    return bytes.toByteArray();
  }

  static Path write(Path file, byte[] content, boolean gzip) throws IOException {
    Files.createDirectories(file.getParent());
    try (OutputStream out =
        gzip ? new GZIPOutputStream(Files.newOutputStream(file)) : Files.newOutputStream(file)) {
      out.write(content);
    }
    return file;
  }

  static byte[] gzip(byte[] content) throws IOException {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    try (OutputStream out = new GZIPOutputStream(bytes)) {
      out.write(content);
    }
    return bytes.toByteArray();
  }

  /** An MNIST-style directory: n training and m test images of 4×4, labels i % 10. */
  static Path mnist(Path dir, int n, int m, boolean gzip) throws IOException {
    return mnist(dir, n, m, gzip, i -> i % 10);
  }

  static Path mnist(Path dir, int n, int m, boolean gzip, IntUnaryOperator label)
      throws IOException {
    String gz = gzip ? ".gz" : "";
    write(dir.resolve("train-images-idx3-ubyte" + gz), images(n, 4, 4), gzip);
    write(dir.resolve("train-labels-idx1-ubyte" + gz), labels(n, label), gzip);
    write(dir.resolve("t10k-images-idx3-ubyte" + gz), images(m, 4, 4), gzip);
    write(dir.resolve("t10k-labels-idx1-ubyte" + gz), labels(m, label), gzip);
    return dir;
  }

  /** CIFAR-10 records for samples first..first+n-1: label i % 10, pixel j = pixel(i, j). */
  static byte[] cifar(int first, int n) {
    byte[] out = new byte[n * CifarReader.RECORD];
    for (int r = 0; r < n; r++) {
      int i = first + r;
      out[r * CifarReader.RECORD] = (byte) (i % 10);
      for (int j = 0; j < CifarReader.PIXELS; j++) {
        out[r * CifarReader.RECORD + 1 + j] = (byte) pixel(i, j);
      }
    }
    return out;
  }

  /** Five training batches of {@code perBatch} records (samples numbered on) and a test batch. */
  static Path cifarDir(Path dir, int perBatch, int test) throws IOException {
    for (int b = 0; b < 5; b++) {
      write(dir.resolve(CIFAR_TRAIN[b]), cifar(b * perBatch, perBatch), false);
    }
    write(dir.resolve("test_batch.bin"), cifar(1000, test), false);
    return dir;
  }

  /** The spec of a file-backed run. */
  static DatasetSpec spec(
      String name,
      Path dir,
      int inputDim,
      int train,
      int test,
      double noise,
      String normalize,
      String subset,
      long seed) {
    return new DatasetSpec(
        name,
        "classification",
        inputDim,
        10,
        64,
        train,
        test,
        dir.toString(),
        noise,
        normalize,
        subset,
        seed);
  }

  /** A 4×4 MNIST-style run. */
  static DatasetSpec mnistSpec(Path dir, int train, int test) {
    return spec("mnist", dir, 16, train, test, 0, "none", "prefix", 5);
  }

  /** Asserts {@code action} throws a UserError whose message contains every part. */
  static UserError assertUserError(Runnable action, String... parts) {
    UserError e = assertThrows(UserError.class, action::run);
    for (String part : parts) {
      assertTrue(
          e.getMessage().contains(part), "'" + e.getMessage() + "' should contain '" + part + "'");
    }
    return e;
  }
}
