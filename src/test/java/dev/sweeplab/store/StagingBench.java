package dev.sweeplab.store;

import dev.sweeplab.engine.SweepBench;
import dev.sweeplab.spec.RunConfig;
import dev.sweeplab.train.RunResult;
import dev.sweeplab.train.Trainer;
import java.io.IOException;
import java.nio.file.Files;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.stream.Stream;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.apache.parquet.example.data.Group;
import org.apache.parquet.hadoop.ParquetFileWriter;
import org.apache.parquet.hadoop.ParquetWriter;
import org.apache.parquet.hadoop.example.ExampleParquetWriter;
import org.apache.parquet.hadoop.metadata.CompressionCodecName;
import org.apache.parquet.hadoop.util.HadoopOutputFile;

/**
 * Not a test: what a staged run costs to write and to read back in a fresh JVM, in the format
 * {@link Staging} writes (Avro, {@link AvroRows}) or as the one-row Parquet file earlier versions
 * staged (uncompressed, without dictionaries). It stages {@code runs} (default 400) copies of one
 * trained run's row under the run ids of {@code bench scale}'s sweep through the local file system
 * a sweep uses ({@link ForklessLocalFileSystem}), then reads each back as the commit does, and
 * prints the mean time per write (all, and the last 100) and per read. Run each format in a JVM of
 * its own, with the launcher's compiler directives:
 *
 * <pre>
 * mvn -o -q -DskipTests test-compile
 * for f in avro parquet; do java -XX:+UnlockDiagnosticVMOptions \
 *   -XX:CompilerDirectivesFile=conf/jit-directives.json @conf/jvm.options \
 *   -cp target/test-classes:target/classes:$(cat target/classpath.txt) \
 *   dev.sweeplab.store.StagingBench $f 400; done
 * </pre>
 */
public final class StagingBench {
  private StagingBench() {}

  public static void main(String[] args) throws IOException {
    boolean parquet = args.length > 0 && args[0].equals("parquet");
    int runs = args.length > 1 ? Integer.parseInt(args[1]) : 400;
    List<RunConfig> planned = SweepBench.tinyRuns("staging_bench", runs).expand();
    RunResult result = Trainer.run(planned.get(0));
    Provenance provenance = Provenance.here("cpu", "bench", "driver", "localhost", 0, "task");
    Configuration conf = new Configuration();
    conf.set("fs.file.impl", ForklessLocalFileSystem.class.getName());
    conf.setBoolean("fs.file.impl.disable.cache", true);
    java.nio.file.Path root = Files.createTempDirectory("staging-bench");
    try {
      Path dir = new Path(root.toUri());
      long[] writes = new long[runs];
      List<Path> files = new ArrayList<>(runs);
      for (int i = 0; i < runs; i++) {
        RunRecord record =
            new RunRecord(planned.get(i), result, provenance, System.currentTimeMillis());
        long t0 = System.nanoTime();
        files.add(parquet ? writeParquet(conf, dir, record) : Staging.write(conf, dir, record));
        writes[i] = System.nanoTime() - t0;
      }
      long[] reads = new long[runs];
      long[] rows = {0};
      for (int i = 0; i < runs; i++) {
        long t0 = System.nanoTime();
        Staging.read(conf, files.get(i), row -> rows[0]++);
        reads[i] = System.nanoTime() - t0;
      }
      if (rows[0] != runs) {
        throw new IllegalStateException(rows[0] + " rows read from " + runs + " files");
      }
      System.out.printf(
          "%s: %d files of %d bytes; write %.2f ms (first %.0f ms, last 100 %.2f ms);"
              + " read %.2f ms (last 100 %.2f ms)%n",
          parquet ? "parquet" : "avro",
          runs,
          Files.size(java.nio.file.Path.of(files.get(0).toUri())),
          mean(writes, 0, runs),
          writes[0] / 1e6,
          mean(writes, Math.max(0, runs - 100), runs),
          mean(reads, 0, runs),
          mean(reads, Math.max(0, runs - 100), runs));
    } finally {
      try (Stream<java.nio.file.Path> all = Files.walk(root)) {
        for (java.nio.file.Path p : all.sorted(Comparator.reverseOrder()).toList()) {
          Files.delete(p);
        }
      }
    }
  }

  /**
   * {@code record} as earlier versions staged it: one uncompressed Parquet row, written under a
   * temporary name and renamed as {@link Staging#write} does.
   */
  private static Path writeParquet(Configuration conf, Path dir, RunRecord record)
      throws IOException {
    Path file = new Path(dir, record.config().runId() + ".n3.parquet");
    Path temp = new Path(dir, "." + record.config().runId() + ".tmp");
    FileSystem fs = dir.getFileSystem(conf);
    fs.mkdirs(dir);
    try (ParquetWriter<Group> writer =
        ExampleParquetWriter.builder(HadoopOutputFile.fromPath(temp, conf))
            .withType(RunSchema.MESSAGE)
            .withConf(conf)
            .withWriteMode(ParquetFileWriter.Mode.OVERWRITE)
            .withCompressionCodec(CompressionCodecName.UNCOMPRESSED)
            .withDictionaryEncoding(false)
            .build()) {
      writer.write(RunSchema.row(record, 3));
    }
    if (fs.exists(file) || !fs.rename(temp, file)) {
      throw new IOException("could not rename " + temp + " to " + file);
    }
    return file;
  }

  private static double mean(long[] nanos, int from, int to) {
    long sum = 0;
    for (int i = from; i < to; i++) {
      sum += nanos[i];
    }
    return sum / 1e6 / (to - from);
  }
}
