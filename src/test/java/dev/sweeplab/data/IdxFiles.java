package dev.sweeplab.data;

import java.io.ByteArrayOutputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.zip.GZIPOutputStream;

/** Writes small IDX and CIFAR files for tests. */
final class IdxFiles {
  private IdxFiles() {}

  /** Images of {@code side}×{@code side}: pixel j of image i is (i * 7 + j) % 256. */
  static byte[] images(int n, int side) throws IOException {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    DataOutputStream out = new DataOutputStream(bytes);
    out.writeInt(IdxReader.IMAGES_MAGIC);
    out.writeInt(n);
    out.writeInt(side);
    out.writeInt(side);
    for (int i = 0; i < n; i++) {
      for (int j = 0; j < side * side; j++) {
        out.writeByte((i * 7 + j) % 256);
      }
    }
    return bytes.toByteArray();
  }

  /** Labels i % 10. */
  static byte[] labels(int n) throws IOException {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    DataOutputStream out = new DataOutputStream(bytes);
    out.writeInt(IdxReader.LABELS_MAGIC);
    out.writeInt(n);
    for (int i = 0; i < n; i++) {
      out.writeByte(i % 10);
    }
    return bytes.toByteArray();
  }

  static void write(Path file, byte[] content, boolean gzip) throws IOException {
    try (OutputStream out =
        gzip ? new GZIPOutputStream(Files.newOutputStream(file)) : Files.newOutputStream(file)) {
      out.write(content);
    }
  }

  /** A complete MNIST-style directory: n train and m test images of 4x4. */
  static Path mnist(Path dir, int n, int m, boolean gzip) throws IOException {
    Files.createDirectories(dir);
    String gz = gzip ? ".gz" : "";
    write(dir.resolve("train-images-idx3-ubyte" + gz), images(n, 4), gzip);
    write(dir.resolve("train-labels-idx1-ubyte" + gz), labels(n), gzip);
    write(dir.resolve("t10k-images-idx3-ubyte" + gz), images(m, 4), gzip);
    write(dir.resolve("t10k-labels-idx1-ubyte" + gz), labels(m), gzip);
    return dir;
  }
}
