package dev.sweeplab.store;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.attribute.PosixFilePermission;
import java.util.EnumSet;
import java.util.Set;
import org.apache.hadoop.fs.LocalFileSystem;
import org.apache.hadoop.fs.Path;
import org.apache.hadoop.fs.RawLocalFileSystem;
import org.apache.hadoop.fs.permission.FsPermission;

/**
 * Hadoop's local file system ({@code file:}), with permissions set through {@code java.nio} instead
 * of a forked {@code chmod}. Without its native library (not shipped with Spark's Hadoop client)
 * Hadoop sets the mode of every file and directory it creates on the local disk by running {@code
 * chmod} in a child process, twice per file counting the checksum file: most of a staging write's
 * time (docs/benchmarks.md) and a share of every Spark write to a local warehouse. The modes set
 * are the same; everything else is Hadoop's own {@link LocalFileSystem}.
 *
 * <p>{@link dev.sweeplab.engine.Sessions} installs it as {@code fs.file.impl} when Spark runs
 * in-process, where the whole warehouse is usually on the local disk.
 */
public final class ForklessLocalFileSystem extends LocalFileSystem {
  public ForklessLocalFileSystem() {
    super(new Raw());
  }

  /** The raw (checksum-less) layer, where Hadoop's local permission calls end up. */
  static final class Raw extends RawLocalFileSystem {
    @Override
    public void setPermission(Path p, FsPermission permission) throws IOException {
      Files.setPosixFilePermissions(pathToFile(p).toPath(), posix(permission.toShort()));
    }
  }

  /** The POSIX permission set of a mode's low nine bits (owner, group, others). */
  static Set<PosixFilePermission> posix(int mode) {
    Set<PosixFilePermission> set = EnumSet.noneOf(PosixFilePermission.class);
    PosixFilePermission[] bits = PosixFilePermission.values(); // OWNER_READ ... OTHERS_EXECUTE
    for (int i = 0; i < 9; i++) {
      if ((mode & (0400 >> i)) != 0) {
        set.add(bits[i]);
      }
    }
    return set;
  }
}
