package dev.sweeplab.data;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.sweeplab.spec.UserError;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class FileDataTest {
  @TempDir Path tmp;

  static DatasetSpec spec(String name, Path dir, int train, int test, String normalize) {
    return new DatasetSpec(
        name,
        "classification",
        16,
        10,
        64,
        train,
        test,
        dir.toString(),
        0.0,
        normalize,
        "prefix",
        5);
  }

  @Test
  void readsRawAndGzippedIdxExactly() throws IOException {
    for (boolean gzip : new boolean[] {false, true}) {
      Path dir = IdxFiles.mnist(tmp.resolve("m" + gzip), 50, 20, gzip);
      ImageData data = IdxReader.read(dir.toString(), 10);
      assertEquals(16, data.inputDim());
      assertEquals(50, data.trainCount());
      assertEquals(20, data.testCount());
      for (int i = 0; i < 50; i++) {
        assertEquals(i % 10, data.trainLabels()[i]);
        for (int j = 0; j < 16; j++) {
          assertEquals((i * 7 + j) % 256, data.trainX()[i * 16 + j] & 0xff);
        }
      }
    }
  }

  @Test
  void subsetsPixelsAndNormalisation() throws IOException {
    Path dir = IdxFiles.mnist(tmp.resolve("n"), 200, 50, true);
    Dataset none = Images.dataset(spec("mnist", dir, 30, 10, "none"));
    Dataset unit = Images.dataset(spec("mnist", dir, 30, 10, "unit"));
    Dataset standard = Images.dataset(spec("mnist", dir, 200, 10, "standardize"));
    assertEquals(30, none.train().size());
    for (int k = 0; k < none.train().x().length; k++) {
      assertEquals(none.train().x()[k] / 255f, unit.train().x()[k], 1e-6);
    }
    double mean = 0;
    double sq = 0;
    float[] x = standard.train().x();
    for (float v : x) {
      mean += v;
      sq += v * v;
    }
    mean /= x.length;
    assertEquals(0, mean, 1e-4, "standardised over the full training file");
    assertEquals(1, Math.sqrt(sq / x.length - mean * mean), 1e-3);
    // The same rows, in the same order, are a prefix of a larger subset.
    Dataset more = Images.dataset(spec("mnist", dir, 60, 10, "none"));
    assertArrayEquals(none.train().labels(), Arrays.copyOf(more.train().labels(), 30));
    assertArrayEquals(none.train().x(), Arrays.copyOf(more.train().x(), 30 * 16));
    assertArrayEquals(
        none.test().x(), more.test().x(), "test subset does not depend on train_size");
  }

  @Test
  void filesAreParsedOncePerJvm() throws IOException {
    Path dir = IdxFiles.mnist(tmp.resolve("c"), 40, 10, false);
    assertSame(Images.files("mnist", dir.toString()), Images.files("mnist", dir.toString()));
    Dataset a = DatasetCache.get(spec("mnist", dir, 10, 10, "none"));
    assertSame(a, DatasetCache.get(spec("mnist", dir, 10, 10, "none")));
    assertNotSame(a, DatasetCache.get(spec("mnist", dir, 20, 10, "none")));
  }

  @Test
  void badFilesAreUserErrorsNamingTheFile() throws IOException {
    Path missing = tmp.resolve("empty");
    Files.createDirectories(missing);
    assertMessage(
        () -> Images.check(spec("mnist", missing, 10, 10, "none")),
        "data file missing in '" + missing,
        "train-images-idx3-ubyte or train-images-idx3-ubyte.gz");

    Path magic = IdxFiles.mnist(tmp.resolve("magic"), 20, 10, false);
    byte[] bad = IdxFiles.images(20, 4);
    bad[3] = 0x01;
    IdxFiles.write(magic.resolve("train-images-idx3-ubyte"), bad, false);
    assertMessage(
        () -> Images.check(spec("mnist", magic, 10, 10, "none")),
        "train-images-idx3-ubyte' is not an IDX image file: magic number 0x00000801, expected"
            + " 0x00000803");

    Path shortRead = IdxFiles.mnist(tmp.resolve("short"), 20, 10, true);
    byte[] full = IdxFiles.images(20, 4);
    IdxFiles.write(
        shortRead.resolve("train-images-idx3-ubyte.gz"),
        Arrays.copyOf(full, full.length - 5),
        true);
    assertMessage(
        () -> IdxReader.read(shortRead.toString(), 10),
        "train-images-idx3-ubyte.gz' is truncated: expected 320 bytes of 20 images of 16 pixels,"
            + " got 315");

    Path broken = IdxFiles.mnist(tmp.resolve("broken"), 20, 10, true);
    byte[] gz = Files.readAllBytes(broken.resolve("train-images-idx3-ubyte.gz"));
    Files.write(broken.resolve("train-images-idx3-ubyte.gz"), Arrays.copyOf(gz, gz.length / 2));
    assertMessage(() -> IdxReader.read(broken.toString(), 10), "train-images-idx3-ubyte.gz");

    Path mismatch = IdxFiles.mnist(tmp.resolve("mismatch"), 20, 10, false);
    IdxFiles.write(mismatch.resolve("train-labels-idx1-ubyte"), IdxFiles.labels(19), false);
    assertMessage(
        () -> Images.check(spec("mnist", mismatch, 10, 10, "none")),
        "has 19 labels but",
        "has 20 images");

    Path small = IdxFiles.mnist(tmp.resolve("small"), 20, 10, false);
    assertMessage(
        () -> Images.check(spec("mnist", small, 30, 10, "none")),
        "dataset.train_size = 30 but the training file in '" + small + "' has 20 samples");
  }

  @Test
  void cifarBatchesAreReadAndCheckedBySize() throws IOException {
    Path dir = tmp.resolve("cifar/cifar-10-batches-bin");
    Files.createDirectories(dir);
    for (String name :
        new String[] {
          "data_batch_1.bin",
          "data_batch_2.bin",
          "data_batch_3.bin",
          "data_batch_4.bin",
          "data_batch_5.bin",
          "test_batch.bin"
        }) {
      ByteArrayOutputStream b = new ByteArrayOutputStream();
      for (int r = 0; r < 4; r++) {
        b.write(r);
        for (int j = 0; j < 3072; j++) {
          b.write((r + j) % 256);
        }
      }
      Files.write(dir.resolve(name), b.toByteArray());
    }
    ImageData data = CifarReader.read(tmp.resolve("cifar").toString());
    assertEquals(20, data.trainCount());
    assertEquals(4, data.testCount());
    assertEquals(3, data.trainLabels()[7]);
    assertEquals((3 + 5) % 256, data.trainX()[7 * 3072 + 5] & 0xff);
    Files.write(dir.resolve("test_batch.bin"), new byte[3073 * 2 + 10]);
    assertMessage(
        () -> CifarReader.counts(tmp.resolve("cifar").toString()),
        "test_batch.bin' has 6156 bytes, not a whole number of 3073-byte CIFAR-10 records");
  }

  static void assertMessage(Runnable action, String... parts) {
    UserError e = assertThrows(UserError.class, action::run);
    for (String part : parts) {
      assertTrue(
          e.getMessage().contains(part), "'" + e.getMessage() + "' should contain '" + part + "'");
    }
  }
}
