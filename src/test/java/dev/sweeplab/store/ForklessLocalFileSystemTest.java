package dev.sweeplab.store;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.attribute.PosixFilePermissions;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FSDataOutputStream;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.LocalFileSystem;
import org.apache.hadoop.fs.Path;
import org.apache.hadoop.fs.permission.FsPermission;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ForklessLocalFileSystemTest {
  @TempDir java.nio.file.Path tmp;

  @Test
  void posixSetOfAModeHasItsNineLowBits() {
    assertEquals("rw-r--r--", PosixFilePermissions.toString(ForklessLocalFileSystem.posix(0644)));
    assertEquals("rwxr-x---", PosixFilePermissions.toString(ForklessLocalFileSystem.posix(0750)));
    assertEquals("rwxrwxrwx", PosixFilePermissions.toString(ForklessLocalFileSystem.posix(01777)));
    assertEquals("---------", PosixFilePermissions.toString(ForklessLocalFileSystem.posix(0)));
  }

  /** Files, checksums and directories come out as Hadoop's own local file system makes them. */
  @Test
  void writesWhatHadoopsLocalFileSystemWrites() throws IOException {
    String[] stock = layout(new LocalFileSystem(), "stock");
    String[] forkless = layout(new ForklessLocalFileSystem(), "forkless");
    assertArrayEquals(stock, forkless);
    assertEquals("rw-r--r--", stock[0], "Hadoop's default umask 022 on a new file");
  }

  @Test
  void setPermissionChangesTheMode() throws IOException {
    try (FileSystem fs = open(new ForklessLocalFileSystem())) {
      Path file = new Path(tmp.toUri().toString(), "f");
      fs.create(file).close();
      fs.setPermission(file, new FsPermission((short) 0640));
      assertEquals("rw-r-----", mode(file));
      assertEquals(new FsPermission((short) 0640), fs.getFileStatus(file).getPermission());
    }
  }

  @Test
  void isTheFileSchemesImplementationWhenConfigured() throws IOException {
    Configuration conf = new Configuration(false);
    conf.set("fs.file.impl", ForklessLocalFileSystem.class.getName());
    try (FileSystem fs = FileSystem.newInstance(URI.create("file:///"), conf)) {
      assertTrue(fs instanceof ForklessLocalFileSystem, fs.getClass().getName());
    }
  }

  /** Modes of a file, its checksum file, a new directory, and the file's bytes read back. */
  private String[] layout(LocalFileSystem instance, String name) throws IOException {
    try (FileSystem fs = open(instance)) {
      Path dir = new Path(new Path(tmp.toUri().toString(), name), "a/b");
      assertTrue(fs.mkdirs(dir));
      Path file = new Path(dir, "run.parquet");
      try (FSDataOutputStream out = fs.create(file, false)) {
        out.write("staged".getBytes(StandardCharsets.UTF_8));
      }
      Path renamed = new Path(dir, "renamed.parquet");
      assertTrue(fs.rename(file, renamed));
      String content;
      try (var in = fs.open(renamed)) {
        content = new String(in.readAllBytes(), StandardCharsets.UTF_8);
      }
      return new String[] {
        mode(renamed),
        mode(new Path(dir, ".renamed.parquet.crc")),
        mode(dir),
        mode(dir.getParent()),
        content,
        String.valueOf(fs.getFileStatus(renamed).getLen())
      };
    }
  }

  private static FileSystem open(LocalFileSystem fs) throws IOException {
    fs.initialize(URI.create("file:///"), new Configuration(false));
    return fs;
  }

  private static String mode(Path p) throws IOException {
    return PosixFilePermissions.toString(
        Files.getPosixFilePermissions(java.nio.file.Path.of(p.toUri())));
  }
}
