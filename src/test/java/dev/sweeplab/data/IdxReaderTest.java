package dev.sweeplab.data;

import static dev.sweeplab.data.Fixtures.assertUserError;
import static dev.sweeplab.data.Fixtures.mnistSpec;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class IdxReaderTest {
  @TempDir Path tmp;

  static void assertContent(ImageData data, int n, int m) {
    assertEquals(16, data.inputDim());
    assertEquals(n, data.trainLabels().length);
    assertEquals(m, data.testLabels().length);
    for (int i = 0; i < n; i++) {
      assertEquals(i % 10, data.trainLabels()[i], "train label " + i);
      for (int j = 0; j < 16; j++) {
        assertEquals(
            Fixtures.pixel(i, j), data.trainX()[i * 16 + j] & 0xff, "pixel " + i + "," + j);
      }
    }
    for (int i = 0; i < m; i++) {
      assertEquals(i % 10, data.testLabels()[i], "test label " + i);
      for (int j = 0; j < 16; j++) {
        assertEquals(Fixtures.pixel(i, j), data.testX()[i * 16 + j] & 0xff);
      }
    }
  }

  @Test
  void rawAndGzippedFilesReadBackExactly() throws IOException {
    for (boolean gzip : new boolean[] {false, true}) {
      Path dir = Fixtures.mnist(tmp.resolve("gzip-" + gzip), 50, 20, gzip);
      assertContent(IdxReader.read(dir.toString()), 50, 20);
      Images.Counts counts = IdxReader.counts(dir.toString());
      assertEquals(50, counts.train());
      assertEquals(20, counts.test());
    }
  }

  @Test
  void gzipIsToldByItsMagicBytesNotItsName() throws IOException {
    Path dir = Fixtures.mnist(tmp.resolve("mixed"), 30, 10, false);
    // gzip content under the raw name, raw content under the .gz name
    Files.write(
        dir.resolve("train-images-idx3-ubyte"),
        Fixtures.gzip(Files.readAllBytes(dir.resolve("train-images-idx3-ubyte"))));
    Files.move(dir.resolve("t10k-labels-idx1-ubyte"), dir.resolve("t10k-labels-idx1-ubyte.gz"));
    assertContent(IdxReader.read(dir.toString()), 30, 10);
  }

  @Test
  void missingFilesListWhatWasLookedFor() throws IOException {
    Path empty = Files.createDirectories(tmp.resolve("empty"));
    assertUserError(
        () -> Images.check(mnistSpec(empty, 10, 10)),
        "'" + empty + "'",
        "train-images-idx3-ubyte, train-images-idx3-ubyte.gz");

    Path dir = Fixtures.mnist(tmp.resolve("no-labels"), 20, 10, true);
    Files.delete(dir.resolve("t10k-labels-idx1-ubyte.gz"));
    assertUserError(
        () -> IdxReader.read(dir.toString()),
        "no t10k labels file in '" + dir + "'",
        "t10k-labels-idx1-ubyte, t10k-labels-idx1-ubyte.gz");

    Path nowhere = tmp.resolve("nowhere");
    assertUserError(
        () -> Images.check(mnistSpec(nowhere, 10, 10)), "'" + nowhere + "'", "does not exist");
  }

  @Test
  void badMagicNumbersAreShownInHex() throws IOException {
    Path dir = Fixtures.mnist(tmp.resolve("magic"), 20, 10, false);
    Path images = dir.resolve("train-images-idx3-ubyte");
    byte[] bytes = Files.readAllBytes(images);
    bytes[3] = 0x01;
    Files.write(images, bytes);
    assertUserError(
        () -> Images.check(mnistSpec(dir, 10, 10)),
        "'" + images + "' is not an IDX image file",
        "magic number 0x00000801, expected 0x00000803",
        "swapped");

    Path dir2 = Fixtures.mnist(tmp.resolve("magic2"), 20, 10, true);
    Path labels = dir2.resolve("t10k-labels-idx1-ubyte.gz");
    byte[] raw = Fixtures.labels(10, i -> 0);
    raw[0] = 0x12;
    raw[1] = 0x34;
    Fixtures.write(labels, raw, true);
    assertUserError(
        () -> IdxReader.read(dir2.toString()),
        "'" + labels + "' is not an IDX label file",
        "magic number 0x12340801, expected 0x00000801");
  }

  @Test
  void truncatedFilesSayHowManyBytesWereExpectedAndFound() throws IOException {
    byte[] full = Fixtures.images(20, 4, 4); // 16 + 320 bytes
    Path raw = Fixtures.mnist(tmp.resolve("raw"), 20, 10, false);
    Path rawImages =
        Fixtures.write(
            raw.resolve("train-images-idx3-ubyte"), Arrays.copyOf(full, full.length - 5), false);
    // The pre-flight sees it from the length alone; reading sees it too.
    for (Runnable action :
        new Runnable[] {
          () -> Images.check(mnistSpec(raw, 10, 10)), () -> IdxReader.read(raw.toString())
        }) {
      assertUserError(
          action, "'" + rawImages + "' is truncated", "takes 336 bytes", "the file has 331");
    }

    Path gz = Fixtures.mnist(tmp.resolve("gz"), 20, 10, true);
    Path gzImages =
        Fixtures.write(
            gz.resolve("train-images-idx3-ubyte.gz"), Arrays.copyOf(full, full.length - 5), true);
    assertUserError(
        () -> IdxReader.read(gz.toString()),
        "'" + gzImages + "' is truncated",
        "expected 320 bytes of pixels (20 images of 4x4 pixels), got 315");

    Path header = Fixtures.mnist(tmp.resolve("header"), 20, 10, false);
    Path headerImages =
        Fixtures.write(header.resolve("train-images-idx3-ubyte"), Arrays.copyOf(full, 5), false);
    assertUserError(
        () -> Images.check(mnistSpec(header, 10, 10)),
        "'" + headerImages + "' is truncated",
        "expected 16 bytes of IDX header",
        "got 5");

    Path cut = Fixtures.mnist(tmp.resolve("cut-gzip"), 200, 10, true);
    Path cutImages = cut.resolve("train-images-idx3-ubyte.gz");
    byte[] compressed = Files.readAllBytes(cutImages);
    Files.write(cutImages, Arrays.copyOf(compressed, compressed.length / 2));
    assertUserError(() -> IdxReader.read(cut.toString()), "'" + cutImages + "'", "truncated");
  }

  @Test
  void brokenGzipIsNamed() throws IOException {
    Path dir = Fixtures.mnist(tmp.resolve("method"), 20, 10, true);
    Path images = dir.resolve("train-images-idx3-ubyte.gz");
    byte[] bytes = Files.readAllBytes(images);
    bytes[2] = 7; // compression method must be 8 (deflate)
    Files.write(images, bytes);
    assertUserError(
        () -> Images.check(mnistSpec(dir, 10, 10)), "'" + images + "' is a broken gzip file");

    Path dir2 = Fixtures.mnist(tmp.resolve("block"), 20, 10, true);
    Path images2 = dir2.resolve("train-images-idx3-ubyte.gz");
    byte[] bytes2 = Files.readAllBytes(images2);
    bytes2[10] |= 0x06; // first deflate block of type 3, which does not exist
    Files.write(images2, bytes2);
    assertUserError(
        () -> IdxReader.read(dir2.toString()), "'" + images2 + "' is a broken gzip file");

    Path dir3 = Fixtures.mnist(tmp.resolve("crc"), 20, 10, true);
    Path labels3 = dir3.resolve("train-labels-idx1-ubyte.gz");
    byte[] bytes3 = Files.readAllBytes(labels3);
    bytes3[bytes3.length - 8] ^= 0x55; // the CRC-32 in the trailer
    Files.write(labels3, bytes3);
    assertUserError(
        () -> IdxReader.read(dir3.toString()), "'" + labels3 + "' is a broken gzip file");
  }

  @Test
  void imageAndLabelCountsMustMatch() throws IOException {
    Path dir = Fixtures.mnist(tmp.resolve("mismatch"), 20, 10, false);
    Path labels =
        Fixtures.write(
            dir.resolve("train-labels-idx1-ubyte"), Fixtures.labels(19, i -> i % 10), false);
    assertUserError(
        () -> Images.check(mnistSpec(dir, 10, 10)),
        "'" + labels + "' declares 19 labels",
        "'" + dir.resolve("train-images-idx3-ubyte") + "' declares 20 images");
  }

  @Test
  void labelsOutsideZeroToNineAreRejected() throws IOException {
    Path dir = Fixtures.mnist(tmp.resolve("label"), 20, 10, false, i -> i == 3 ? 10 : i % 10);
    assertUserError(
        () -> Images.check(mnistSpec(dir, 10, 5)),
        "'" + dir.resolve("train-labels-idx1-ubyte") + "' has label 10 at position 3",
        "0..9");
  }

  @Test
  void bytesBeyondTheHeaderAreRejected() throws IOException {
    Path dir = Fixtures.mnist(tmp.resolve("extra"), 20, 10, true);
    byte[] more = Arrays.copyOf(Fixtures.images(10, 4, 4), 16 + 160 + 3);
    Path images = Fixtures.write(dir.resolve("t10k-images-idx3-ubyte.gz"), more, true);
    assertUserError(
        () -> IdxReader.read(dir.toString()), "'" + images + "' holds more data than its header");
  }

  @Test
  void filesMustHoldTheSamplesAndShapeTheRunAsksFor() throws IOException {
    Path dir = Fixtures.mnist(tmp.resolve("small"), 20, 10, true);
    assertUserError(
        () -> Images.check(mnistSpec(dir, 30, 10)),
        "dataset.train_size = 30 is more than the 20 samples in '"
            + dir.resolve("train-images-idx3-ubyte.gz"));
    assertUserError(
        () -> DatasetCache.get(mnistSpec(dir, 10, 11)),
        "dataset.test_size = 11 is more than the 10 samples in '"
            + dir.resolve("t10k-images-idx3-ubyte.gz"));
    assertUserError(
        () -> DatasetCache.check(Fixtures.spec("mnist", dir, 784, 10, 10, 0, "none", "prefix", 1)),
        "'" + dir.resolve("train-images-idx3-ubyte.gz") + "' holds images of 16 pixels",
        "dataset.input_dim = 784");
  }
}
