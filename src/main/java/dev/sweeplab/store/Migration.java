package dev.sweeplab.store;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileStatus;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.apache.iceberg.Table;
import org.apache.parquet.hadoop.ParquetFileReader;
import org.apache.parquet.hadoop.util.HadoopInputFile;
import org.apache.parquet.schema.MessageType;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Imports a warehouse written before the tables were Iceberg's: Hive-style directories {@code
 * <warehouse>/<table>/sweep=<name>/} of Parquet files. Each directory becomes the sweep's partition
 * of the Iceberg table of the same name, its files added where they lie (not copied), in one
 * snapshot per partition; the table's schema is the current one of that table joined with every
 * file's, so a column some files lack reads null there. A partition directory imported gets a
 * {@link #MARKER} file and is not imported again; its files stay where they are, now the Iceberg
 * table's. Driver-only.
 */
public final class Migration {
  private static final Logger LOG = LoggerFactory.getLogger(Migration.class);

  /** The file left in a partition directory once it is imported. */
  public static final String MARKER = "_IMPORTED_TO_ICEBERG";

  /** The tables an earlier warehouse can hold, with the current schema of those that have one. */
  static final Map<String, MessageType> TABLES = tables();

  private Migration() {}

  /** What an import did: table → partitions imported. */
  public record Imported(Map<String, Integer> partitions) {
    public int total() {
      return partitions.values().stream().mapToInt(Integer::intValue).sum();
    }
  }

  /** Imports what {@link #run} imports, with a message when there was something. */
  static void ifNeeded(TableStore store) {
    Imported done = run(store);
    if (done.total() > 0) {
      LOG.warn(
          "imported {} partitions of {} (Parquet directories written by an earlier sweeplab) into"
              + " its Iceberg tables: {}",
          done.total(),
          store.warehouse().root(),
          done.partitions());
    }
  }

  /** Imports every table directory of the earlier layout not imported yet. */
  public static Imported run(TableStore store) {
    Configuration conf = store.conf();
    Warehouse warehouse = store.warehouse();
    Map<String, Integer> out = new LinkedHashMap<>();
    try {
      Path root = new Path(warehouse.root());
      FileSystem fs = root.getFileSystem(conf);
      // One listing of the root: every command opens the tables, most on a warehouse with none of
      // the earlier directories.
      Set<String> present = new HashSet<>();
      for (FileStatus f : Warehouse.list(fs, root)) {
        if (f.isDirectory()) {
          present.add(f.getPath().getName());
        }
      }
      for (Map.Entry<String, MessageType> t : TABLES.entrySet()) {
        if (!present.contains(t.getKey())) {
          continue;
        }
        Map<String, List<String>> partitions = partitions(fs, warehouse.table(t.getKey()));
        if (!partitions.isEmpty()) {
          importTable(store, t.getKey(), t.getValue(), partitions);
          out.put(t.getKey(), partitions.size());
        }
      }
    } catch (IOException e) {
      throw new UncheckedIOException("import the tables of " + warehouse.root(), e);
    }
    return new Imported(out);
  }

  private static void importTable(
      TableStore store, String name, MessageType current, Map<String, List<String>> partitions)
      throws IOException {
    Table table = null;
    if (current != null) {
      table = store.createOrLoad(name, IcebergTables.schema(current));
    }
    Set<MessageType> schemas = new LinkedHashSet<>();
    for (List<String> files : partitions.values()) {
      for (String f : files) {
        schemas.add(schema(store.conf(), f));
      }
    }
    for (MessageType m : schemas) {
      table = store.createOrLoad(name, IcebergTables.schema(m));
    }
    for (Map.Entry<String, List<String>> p : partitions.entrySet()) {
      Path dir = store.warehouse().partition(name, p.getKey());
      table.refresh();
      PartitionCommit.replace(
          table, p.getKey(), p.getValue(), Map.of("sweeplab.imported", dir.toString()));
      dir.getFileSystem(store.conf()).create(new Path(dir, MARKER), true).close();
    }
  }

  /** Sweep → its Parquet files, of the {@code sweep=} directories under {@code dir}. */
  private static Map<String, List<String>> partitions(FileSystem fs, Path dir) throws IOException {
    Map<String, List<String>> out = new TreeMap<>();
    for (FileStatus p : Warehouse.list(fs, dir)) {
      String name = p.getPath().getName();
      if (!p.isDirectory()
          || !name.startsWith("sweep=")
          || fs.exists(new Path(p.getPath(), MARKER))) {
        continue;
      }
      List<String> files = new ArrayList<>();
      for (FileStatus f : fs.listStatus(p.getPath())) {
        String file = f.getPath().getName();
        if (f.isFile() && f.getLen() > 0 && !file.startsWith(".") && !file.startsWith("_")) {
          files.add(f.getPath().toString());
        }
      }
      files.sort(null);
      if (files.isEmpty()) {
        continue; // an empty partition: nothing to import
      }
      out.put(name.substring("sweep=".length()), files);
    }
    return out;
  }

  private static MessageType schema(Configuration conf, String file) throws IOException {
    try (ParquetFileReader r =
        ParquetFileReader.open(HadoopInputFile.fromPath(new Path(file), conf))) {
      return r.getFooter().getFileMetaData().getSchema();
    }
  }

  private static Map<String, MessageType> tables() {
    Map<String, MessageType> t = new LinkedHashMap<>();
    t.put(Warehouse.RUNS, Compaction.RUNS);
    t.put(Warehouse.CURVES, Compaction.CURVES);
    t.put(Warehouse.SWEEPS, Compaction.SWEEPS);
    for (String name :
        List.of(
            Warehouse.SCALING_FITS,
            Warehouse.DOUBLE_DESCENT,
            Warehouse.COORD_CHECK,
            Warehouse.WIDTH_EXPONENTS,
            Warehouse.LR_TRANSFER)) {
      t.put(name, null);
    }
    return t;
  }
}
