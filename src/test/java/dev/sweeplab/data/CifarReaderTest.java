package dev.sweeplab.data;

import static dev.sweeplab.data.Fixtures.assertUserError;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** CIFAR-10 batches with a few records each: the reader takes any whole number of records. */
class CifarReaderTest {
  @TempDir Path tmp;

  @Test
  void readsBatchesInOrderFromTheDirectoryOrItsArchiveSubdirectory() throws IOException {
    Path flat = Fixtures.cifarDir(tmp.resolve("flat"), 3, 4);
    Path archive = tmp.resolve("archive");
    Fixtures.cifarDir(archive.resolve("cifar-10-batches-bin"), 3, 4);
    for (Path dir : new Path[] {flat, archive}) {
      ImageData data = CifarReader.read(dir.toString());
      assertEquals(3072, data.inputDim());
      assertEquals(15, data.trainLabels().length);
      assertEquals(4, data.testLabels().length);
      for (int i = 0; i < 15; i++) {
        assertEquals(i % 10, data.trainLabels()[i], "label of training sample " + i);
        for (int j = 0; j < 3072; j += 97) {
          assertEquals(Fixtures.pixel(i, j), data.trainX()[i * 3072 + j] & 0xff);
        }
      }
      for (int i = 0; i < 4; i++) {
        assertEquals((1000 + i) % 10, data.testLabels()[i]);
        assertEquals(Fixtures.pixel(1000 + i, 3071), data.testX()[i * 3072 + 3071] & 0xff);
      }
      Images.Counts counts = CifarReader.counts(dir.toString());
      assertEquals(15, counts.train());
      assertEquals(4, counts.test());
    }
  }

  @Test
  void aRunGetsItsShapeAndSizes() throws IOException {
    Path dir = Fixtures.cifarDir(tmp.resolve("run"), 4, 6);
    DatasetSpec spec = Fixtures.spec("cifar10", dir, 3072, 12, 5, 0, "unit", "balanced", 3);
    DatasetCache.check(spec);
    Dataset data = DatasetCache.get(spec);
    assertEquals(3072, data.inputDim());
    assertEquals(10, data.outputs());
    assertEquals(12, data.train().size());
    assertEquals(12 * 3072, data.train().x().length);
    assertEquals(5, data.test().size());
    assertUserError(
        () ->
            DatasetCache.check(Fixtures.spec("cifar10", dir, 3072, 21, 5, 0, "unit", "prefix", 3)),
        "dataset.train_size = 21 is more than the 20 samples in '" + dir + "/{data_batch_1.bin,");
  }

  @Test
  void aFileThatIsNotWholeRecordsIsNamedWithItsSize() throws IOException {
    Path dir = Fixtures.cifarDir(tmp.resolve("size"), 2, 2);
    Path test = dir.resolve("test_batch.bin");
    Files.write(test, new byte[3073 * 2 + 10]);
    assertUserError(
        () -> CifarReader.counts(dir.toString()),
        "'" + test + "' has 6156 bytes, not a whole number of 3073-byte CIFAR-10 records");
    Files.write(test, new byte[0]);
    assertUserError(() -> CifarReader.read(dir.toString()), "'" + test + "' has 0 bytes");
  }

  @Test
  void aMissingBatchListsWhereItWasLookedFor() throws IOException {
    Path dir = Fixtures.cifarDir(tmp.resolve("missing"), 2, 2);
    Files.delete(dir.resolve("data_batch_3.bin"));
    assertUserError(
        () -> DatasetCache.check(Fixtures.spec("cifar10", dir, 3072, 2, 2, 0, "unit", "prefix", 1)),
        "no CIFAR-10 batch data_batch_3.bin file in '" + dir + "'",
        "data_batch_3.bin, cifar-10-batches-bin/data_batch_3.bin");
  }

  @Test
  void labelsAboveNineAreRejectedWithTheRecord() throws IOException {
    Path dir = Fixtures.cifarDir(tmp.resolve("label"), 3, 2);
    Path batch = dir.resolve("data_batch_2.bin");
    byte[] bytes = Files.readAllBytes(batch);
    bytes[2 * 3073] = 12;
    Files.write(batch, bytes);
    assertUserError(
        () -> CifarReader.read(dir.toString()),
        "'" + batch + "' record 2 (byte offset 6146) has label 12",
        "0..9");
  }
}
