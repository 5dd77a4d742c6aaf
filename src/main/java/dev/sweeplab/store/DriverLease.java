package dev.sweeplab.store;

import dev.sweeplab.spec.UserError;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.time.Instant;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FSDataInputStream;
import org.apache.hadoop.fs.FileStatus;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.LocalFileSystem;
import org.apache.hadoop.fs.Path;
import org.apache.hadoop.fs.RawLocalFileSystem;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One live driver per sweep and warehouse. A driver holds the sweep's lease, the file {@code
 * <warehouse>/_staging/_leases/<name>.lease}, from before its first write until it ends, and renews
 * it every {@link #RENEW_MS}. The file appears with its content in one step (a hard link on a local
 * disk, a rename that refuses to overwrite on HDFS), so of two drivers exactly one wins; object
 * stores such as S3A, whose create and rename are not atomic and whose times cannot be renewed,
 * cannot keep this promise. A second driver is refused, naming the holder. A lease whose holder is
 * gone is taken over, with a message: on the holder's host, when its process has exited; from
 * elsewhere, when it has not been renewed for {@link #STALE_MS}. Driver-only.
 */
public final class DriverLease implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(DriverLease.class);

  /** How often a holder renews its lease. */
  public static final long RENEW_MS = 20_000;

  /** A lease not renewed for this long is a dead driver's. */
  public static final long STALE_MS = 120_000;

  private final FileSystem fs;
  private final Path file;
  private final Holder self;
  private final ScheduledExecutorService renewer;
  private volatile String lost;

  /** Who holds a lease: host, process, when it started, and a token unique to the holder. */
  public record Holder(String host, long pid, long started, String token) {
    String text() {
      return host + "\n" + pid + "\n" + started + "\n" + token + "\n";
    }

    static Holder parse(String text) {
      String[] lines = text.split("\n");
      if (lines.length < 4) {
        return null;
      }
      try {
        return new Holder(lines[0], Long.parseLong(lines[1]), Long.parseLong(lines[2]), lines[3]);
      } catch (NumberFormatException e) {
        return null;
      }
    }

    @Override
    public String toString() {
      return "pid " + pid + " on host " + host + ", started " + Instant.ofEpochMilli(started);
    }
  }

  private DriverLease(FileSystem fs, Path file, Holder self) {
    this.fs = fs;
    this.file = file;
    this.self = self;
    this.renewer =
        Executors.newSingleThreadScheduledExecutor(
            r -> {
              Thread t = new Thread(r, "sweeplab-lease");
              t.setDaemon(true);
              return t;
            });
    renewer.scheduleWithFixedDelay(this::renew, RENEW_MS, RENEW_MS, TimeUnit.MILLISECONDS);
  }

  /** The lease file of {@code sweep} in {@code warehouse}. */
  public static Path file(Warehouse warehouse, String sweep) {
    return new Path(new Path(new Path(warehouse.root(), "_staging"), "_leases"), sweep + ".lease");
  }

  /**
   * Takes the lease of {@code sweep}, taking over a dead holder's.
   *
   * @throws UserError when a live driver holds it
   */
  public static DriverLease acquire(Configuration conf, Warehouse warehouse, String sweep) {
    Path file = file(warehouse, sweep);
    Holder self =
        new Holder(
            SweepPlan.localHost(),
            ProcessHandle.current().pid(),
            System.currentTimeMillis(),
            UUID.randomUUID().toString());
    try {
      FileSystem fs = file.getFileSystem(conf);
      for (int attempt = 0; attempt < 3; attempt++) {
        if (create(fs, file, self)) {
          return new DriverLease(fs, file, self);
        }
        Optional<FileStatus> status = status(fs, file);
        if (status.isEmpty()) {
          continue; // released meanwhile
        }
        String text;
        try {
          text = read(fs, file);
        } catch (java.io.FileNotFoundException e) {
          continue; // released meanwhile
        }
        Holder holder = Holder.parse(text);
        String dead = dead(holder, status.get().getModificationTime(), self.host());
        if (dead == null) {
          throw UserError.of(
              "sweep '"
                  + sweep
                  + "' is being run by another driver ("
                  + (holder == null ? "its lease is being written" : holder)
                  + "; lease "
                  + file
                  + "): one driver per sweep and warehouse. Wait for it to finish, or stop it;"
                  + " a lease not renewed for "
                  + STALE_MS / 1000
                  + " s is taken over");
        }
        // Taken over by moving the dead lease aside under a name of our own: of two drivers taking
        // over at once, only the one whose move finds the same dead lease goes on.
        Path aside = new Path(file.getParent(), "." + file.getName() + "." + self.token());
        if (fs.rename(file, aside)) {
          boolean same = text.equals(read(fs, aside));
          fs.delete(aside, false);
          if (same) {
            LOG.warn("taking over the lease of sweep {} from {}: {}", sweep, holder, dead);
            System.err.println(
                "sweeplab: taking over sweep '"
                    + sweep
                    + "' from "
                    + (holder == null ? "an unreadable lease" : holder)
                    + ": "
                    + dead);
          }
        }
      }
      throw UserError.of(
          "could not take the lease "
              + file
              + " of sweep '"
              + sweep
              + "': other drivers raced for it");
    } catch (IOException e) {
      throw UserError.io("take the sweep's lease", file.toString(), e);
    }
  }

  /** Why {@code holder}'s lease is dead, or null when it may be alive. */
  static String dead(Holder holder, long renewed, String localHost) {
    long age = System.currentTimeMillis() - renewed;
    if (holder == null) {
      // A lease being written reads empty for a moment: unreadable and stale is dead.
      return age > STALE_MS ? "its lease file is unreadable" : null;
    }
    if (holder.host().equals(localHost)) {
      return SweepPlan.processAlive(holder.pid(), holder.started())
          ? null
          : "its process has exited";
    }
    return age > STALE_MS ? "its lease was last renewed " + age / 1000 + " s ago" : null;
  }

  /** Whether a driver that may be alive holds {@code sweep}'s lease. */
  public static boolean held(FileSystem fs, Warehouse warehouse, String sweep) throws IOException {
    Path file = file(warehouse, sweep);
    Optional<FileStatus> status = status(fs, file);
    if (status.isEmpty()) {
      return false;
    }
    try {
      Holder holder = Holder.parse(read(fs, file));
      return dead(holder, status.get().getModificationTime(), SweepPlan.localHost()) == null;
    } catch (java.io.FileNotFoundException e) {
      return false;
    }
  }

  /** The current holder of {@code sweep}'s lease, if any. */
  public static Optional<Holder> holder(Configuration conf, Warehouse warehouse, String sweep)
      throws IOException {
    Path file = file(warehouse, sweep);
    FileSystem fs = file.getFileSystem(conf);
    if (status(fs, file).isEmpty()) {
      return Optional.empty();
    }
    return Optional.ofNullable(Holder.parse(read(fs, file)));
  }

  private void renew() {
    try {
      Holder now = Holder.parse(read(fs, file));
      if (now != null && now.token().equals(self.token())) {
        fs.setTimes(file, System.currentTimeMillis(), -1);
      } else {
        lost = now == null ? "its lease file is gone or unreadable" : "it is now held by " + now;
        LOG.warn("the lease {} is no longer this driver's: {}", file, lost);
      }
    } catch (IOException | RuntimeException e) {
      LOG.warn("could not renew the lease {}: {}", file, e.toString());
    }
  }

  /**
   * Fails when this driver has lost its lease (another driver took it over while this one was
   * stalled for longer than {@link #STALE_MS}): the caller must not commit.
   */
  public void check() {
    renew();
    if (lost != null) {
      throw UserError.of(
          "this driver no longer holds the lease "
              + file
              + " ("
              + lost
              + "), so it does not commit: another driver runs the sweep now");
    }
  }

  /** Releases the lease, if it is still this driver's. */
  @Override
  public void close() {
    renewer.shutdown();
    try {
      renewer.awaitTermination(10, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    try {
      Holder now = status(fs, file).isPresent() ? Holder.parse(read(fs, file)) : null;
      if (now != null && now.token().equals(self.token())) {
        fs.delete(file, false);
      }
    } catch (IOException e) {
      LOG.warn("could not release the lease {}: {}", file, e.toString());
    }
  }

  /**
   * Creates {@code file} holding {@code self}, whole, only if no file is there; false if one is.
   */
  private static boolean create(FileSystem fs, Path file, Holder self) throws IOException {
    fs.mkdirs(file.getParent());
    Path temp = new Path(file.getParent(), "." + file.getName() + "." + self.token() + ".tmp");
    try (OutputStream out = fs.create(temp, true)) {
      out.write(self.text().getBytes(StandardCharsets.UTF_8));
    }
    try {
      if (fs instanceof LocalFileSystem || fs instanceof RawLocalFileSystem) {
        // Hadoop's local rename overwrites; a hard link does not, and appears whole.
        try {
          Files.createLink(local(fs, file), local(fs, temp));
          return true;
        } catch (FileAlreadyExistsException e) {
          return false;
        }
      }
      return fs.rename(temp, file); // HDFS: refuses to overwrite
    } finally {
      fs.delete(temp, false);
    }
  }

  private static java.nio.file.Path local(FileSystem fs, Path path) {
    return java.nio.file.Path.of(fs.makeQualified(path).toUri());
  }

  private static Optional<FileStatus> status(FileSystem fs, Path file) throws IOException {
    try {
      return Optional.of(fs.getFileStatus(file));
    } catch (java.io.FileNotFoundException e) {
      return Optional.empty();
    }
  }

  private static String read(FileSystem fs, Path file) throws IOException {
    try (FSDataInputStream in = fs.open(file)) {
      return new String(in.readNBytes(4096), StandardCharsets.UTF_8);
    }
  }
}
