package dev.sweeplab.store;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.StandardOpenOption;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileStatus;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.apache.iceberg.util.LockManagers;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The lock an Iceberg Hadoop catalog takes around each commit's rename of its next metadata file,
 * held as a file beside it, so that drivers in different processes commit to one table in turn.
 * Iceberg's default lock is held in memory: two processes could both see version N+1 free and the
 * second rename would replace the first's metadata, losing its commit. With the lock, the second
 * finds version N+1 taken and Iceberg retries its commit on the new metadata.
 *
 * <p>The lock file is created exclusively ({@code O_EXCL} on local disks; HDFS's create without
 * overwrite is atomic at the NameNode) and removed on release. A lock older than {@link #STALE_MS}
 * belongs to a process that died between taking it and renaming (a rename takes milliseconds) and
 * is broken.
 */
public final class FileLockManager extends LockManagers.BaseLockManager {
  private static final Logger LOG = LoggerFactory.getLogger(FileLockManager.class);

  /** Age past which a lock file is a dead process's. */
  static final long STALE_MS = 60_000;

  /** Wait between attempts to take a held lock. */
  static final long RETRY_MS = 10;

  private static final Configuration CONF = new Configuration();

  @Override
  public boolean acquire(String entityId, String ownerId) {
    Path lock = lock(entityId);
    long deadline = System.currentTimeMillis() + acquireTimeoutMs();
    while (true) {
      try {
        if (create(lock, ownerId)) {
          return true;
        }
        breakIfStale(lock);
      } catch (IOException e) {
        LOG.warn("could not take the commit lock {}", lock, e);
      }
      if (System.currentTimeMillis() > deadline) {
        return false;
      }
      try {
        Thread.sleep(RETRY_MS);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return false;
      }
    }
  }

  @Override
  public boolean release(String entityId, String ownerId) {
    Path lock = lock(entityId);
    try {
      FileSystem fs = lock.getFileSystem(CONF);
      if (!fs.exists(lock)) {
        return false;
      }
      String holder;
      try (var in = fs.open(lock)) {
        holder = new String(in.readAllBytes(), StandardCharsets.UTF_8);
      }
      return holder.equals(ownerId) && fs.delete(lock, false);
    } catch (IOException e) {
      LOG.warn("could not release the commit lock {}", lock, e);
      return false;
    }
  }

  /** The lock file of {@code entityId} (the metadata file a commit renames into place). */
  static Path lock(String entityId) {
    Path entity = new Path(entityId);
    return new Path(entity.getParent(), "." + entity.getName() + ".lock");
  }

  /** Creates {@code lock} holding {@code owner} unless it exists; whether it was created. */
  private static boolean create(Path lock, String owner) throws IOException {
    byte[] bytes = owner.getBytes(StandardCharsets.UTF_8);
    String scheme = lock.toUri().getScheme();
    if (scheme == null || scheme.equals("file")) {
      try {
        Files.write(
            java.nio.file.Path.of(lock.toUri().getPath()),
            bytes,
            StandardOpenOption.CREATE_NEW,
            StandardOpenOption.WRITE);
        return true;
      } catch (FileAlreadyExistsException e) {
        return false;
      }
    }
    try (OutputStream out = lock.getFileSystem(CONF).create(lock, false)) {
      out.write(bytes);
      return true;
    } catch (org.apache.hadoop.fs.FileAlreadyExistsException e) {
      return false;
    }
  }

  private static void breakIfStale(Path lock) throws IOException {
    FileSystem fs = lock.getFileSystem(CONF);
    FileStatus s;
    try {
      s = fs.getFileStatus(lock);
    } catch (java.io.FileNotFoundException e) {
      return; // released meanwhile
    }
    if (System.currentTimeMillis() - s.getModificationTime() > STALE_MS) {
      LOG.warn("breaking the commit lock {}, left by a process that stopped", lock);
      fs.delete(lock, false);
    }
  }
}
