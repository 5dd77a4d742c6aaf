package dev.sweeplab.data;

import dev.sweeplab.spec.DataShapes;
import dev.sweeplab.spec.UserError;

/**
 * File-backed image data sets (MNIST, Fashion-MNIST, CIFAR-10). The full files are parsed once per
 * JVM and (name, path), so runs that differ in {@code train_size}, {@code label_noise}, {@code
 * subset} or {@code normalize} share one parse; each run then takes its training subset (seeded
 * prefix or class-balanced), puts label noise on it, takes the first {@code test_size} of a seeded
 * permutation of the test file (clean labels), and normalises the pixels. The training subset and
 * its label noise follow {@link DatasetSpec#seed()}, the test subset {@link
 * DatasetSpec#taskSeed()}: with a per-repeat seed each repeat trains on another seeded subset of
 * the training file (the same samples in another order when {@code train_size} is the whole file)
 * and is tested on the same test samples. The validation split is the other end of the training
 * order: the last {@code val_size} entries of the seeded permutation ({@code subset: prefix}), or
 * the class-balanced round robin from each class's last sample ({@code balanced}); clean labels. It
 * shares no sample with any training subset of the same training order that leaves it room ({@link
 * #fits}), so with the sweep's largest {@code train_size} checked, with none of the sweep's (under
 * a per-repeat seed: none of the same repeat's).
 */
final class Images {
  /** Parsed files: a few at most (CIFAR-10's are 184 MB), within a quarter of the heap. */
  private static final BoundedCache<FilesKey, ImageData> FILES =
      new BoundedCache<>(3, Runtime.getRuntime().maxMemory() / 4, ImageData::bytes);

  /** Pre-flight results, so a driver checking many runs over one directory reads it once. */
  private static final BoundedCache<FilesKey, Counts> HEADERS =
      new BoundedCache<>(32, Long.MAX_VALUE, c -> 0);

  private Images() {}

  /** Which files: a data set's name and directory. */
  record FilesKey(String name, String path) {}

  /** What a data set's files hold: pixels per image, and samples per split with their source. */
  record Counts(int inputDim, int train, String trainSource, int test, String testSource) {}

  /** The data set a run of {@code spec} trains and is tested on. */
  static Dataset dataset(DatasetSpec spec) {
    ImageData files = files(spec.name(), spec.path());
    fits(spec, files.counts());
    int n = spec.trainSize();
    long trainOrder = Seeds.of(spec.seed(), Seeds.TRAIN_ORDER);
    int[] train =
        spec.subset().equals("balanced")
            ? Subsets.balanced(files.trainLabels(), files.classes(), n, trainOrder)
            : Subsets.prefix(files.trainLabels().length, n, trainOrder);
    int[] test =
        Subsets.prefix(
            files.testLabels().length,
            spec.testSize(),
            Seeds.of(spec.taskSeed(), Seeds.TEST_ORDER));
    int[] val = valRows(spec, files, trainOrder);
    float[] scale = scale(spec.normalize(), files);
    Dataset.Split trainSplit = gather(files.trainX(), files.trainLabels(), train, files, scale);
    int flipped =
        LabelNoise.apply(trainSplit.labels(), files.classes(), spec.labelNoise(), spec.seed());
    Dataset.Split testSplit = gather(files.testX(), files.testLabels(), test, files, scale);
    Dataset.Split valSplit = gather(files.trainX(), files.trainLabels(), val, files, scale);
    return new Dataset(
        files.inputDim(), files.classes(), true, trainSplit, testSplit, flipped, valSplit);
  }

  /** The validation rows of the training file, from the far end of the training order. */
  private static int[] valRows(DatasetSpec spec, ImageData files, long trainOrder) {
    int v = spec.valSize();
    if (!spec.subset().equals("balanced")) {
      return Subsets.tail(files.trainLabels().length, v, trainOrder);
    }
    int room = Subsets.balancedRoom(files.trainLabels(), files.classes(), spec.trainSize());
    if (v > room) {
      throw UserError.badValue(
          "dataset.val_size",
          v,
          "must be at most "
              + room
              + " with dataset.subset = balanced and dataset.train_size = "
              + spec.trainSize()
              + ": '"
              + files.trainSource()
              + "' holds too few samples of some class for both a balanced training subset and"
              + " a balanced validation set apart from it; give a smaller val_size or train_size,"
              + " or 0 for no validation");
    }
    return Subsets.balancedTail(files.trainLabels(), files.classes(), v, trainOrder);
  }

  /**
   * Checks that the files exist, their headers are sane and they hold enough samples for {@code
   * spec}, without keeping pixels (see {@link IdxReader#counts}).
   */
  static void check(DatasetSpec spec) {
    fits(
        spec,
        HEADERS.get(
            key(spec.name(), spec.path()),
            k -> cifar(k) ? CifarReader.counts(k.path()) : IdxReader.counts(k.path())));
  }

  /** The parsed files, read once per JVM; concurrent callers for the same files share the read. */
  static ImageData files(String name, String path) {
    return FILES.get(
        key(name, path), k -> cifar(k) ? CifarReader.read(k.path()) : IdxReader.read(k.path()));
  }

  /** How many times this JVM has parsed a data set's files. */
  static long parses() {
    return FILES.builds();
  }

  private static FilesKey key(String name, String path) {
    if (DataShapes.of(name) == null) {
      throw UserError.badValue(
          "dataset.name", name, "is not a file-backed data set (mnist, fashion_mnist, cifar10)");
    }
    return new FilesKey(name, path);
  }

  private static boolean cifar(FilesKey key) {
    return key.name().equals("cifar10");
  }

  /** The files must have the spec's input size and at least its sample counts. */
  private static void fits(DatasetSpec spec, Counts counts) {
    if (counts.inputDim() != spec.inputDim()) {
      throw UserError.of(
          "'"
              + counts.trainSource()
              + "' holds images of "
              + counts.inputDim()
              + " pixels, but "
              + spec.name()
              + " runs expect dataset.input_dim = "
              + spec.inputDim()
              + ": is dataset.path the right data set?");
    }
    if (spec.trainSize() > counts.train()) {
      throw UserError.of(
          "dataset.train_size = "
              + spec.trainSize()
              + " is more than the "
              + counts.train()
              + " samples in '"
              + counts.trainSource()
              + "'");
    }
    if ((long) spec.trainSize() + spec.valSize() > counts.train()) {
      throw UserError.of(
          "dataset.val_size = "
              + spec.valSize()
              + " with dataset.train_size = "
              + spec.trainSize()
              + " needs "
              + ((long) spec.trainSize() + spec.valSize())
              + " samples, more than the "
              + counts.train()
              + " in '"
              + counts.trainSource()
              + "' (validation samples come from the training file, apart from every training"
              + " subset): dataset.val_size must be at most "
              + (counts.train() - spec.trainSize())
              + " here; give a smaller value, or 0 for no validation");
    }
    if (spec.testSize() > counts.test()) {
      throw UserError.of(
          "dataset.test_size = "
              + spec.testSize()
              + " is more than the "
              + counts.test()
              + " samples in '"
              + counts.testSource()
              + "'");
    }
  }

  /** Pixel value (0..255) to input, per {@code normalize}. */
  private static float[] scale(String normalize, ImageData files) {
    float[] table = new float[256];
    for (int v = 0; v < 256; v++) {
      table[v] =
          switch (normalize) {
            case "standardize" -> (float) ((v - files.mean()) / files.std());
            case "unit" -> (float) (v / 255.0);
            case "none" -> v;
            default ->
                throw UserError.badValue(
                    "dataset.normalize", normalize, "must be one of standardize, unit, none");
          };
    }
    return table;
  }

  private static Dataset.Split gather(
      byte[] pixels, int[] labels, int[] rows, ImageData files, float[] scale) {
    int d = files.inputDim();
    float[] x = new float[rows.length * d];
    int[] y = new int[rows.length];
    for (int r = 0; r < rows.length; r++) {
      int from = rows[r] * d;
      for (int j = 0; j < d; j++) {
        x[r * d + j] = scale[pixels[from + j] & 0xff];
      }
      y[r] = labels[rows[r]];
    }
    return new Dataset.Split(rows.length, x, y, null);
  }
}
