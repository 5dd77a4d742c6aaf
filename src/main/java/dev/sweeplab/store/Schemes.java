package dev.sweeplab.store;

import dev.sweeplab.spec.UserError;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.ServiceLoader;
import java.util.TreeSet;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.apache.hadoop.fs.UnsupportedFileSystemException;

/**
 * The URI schemes ({@code file}, {@code hdfs}, {@code s3a}, ...) Hadoop can open here, so a path
 * with a scheme nobody serves fails before anything starts, with the schemes there are.
 */
public final class Schemes {
  private Schemes() {}

  /** The jar a scheme Hadoop knows by name needs, for the schemes people use most. */
  private static final Map<String, String> JARS =
      Map.of(
          "s3a",
          "hadoop-aws",
          "abfs",
          "hadoop-azure",
          "abfss",
          "hadoop-azure",
          "gs",
          "gcs-connector");

  /**
   * Fails when {@code uri} (given as {@code option}) has a scheme no file system on the class path
   * serves; a plain path, or a scheme that is served, passes. Opens nothing.
   */
  public static void check(String option, String uri, Configuration conf) {
    String scheme;
    try {
      scheme = new Path(uri).toUri().getScheme();
    } catch (IllegalArgumentException e) {
      return; // not a URI at all: the caller's own checks name it
    }
    if (scheme == null) {
      return;
    }
    String given = option + " '" + uri + "' has the scheme '" + scheme + "', ";
    try {
      FileSystem.getFileSystemClass(scheme, conf);
    } catch (UnsupportedFileSystemException e) {
      throw UserError.of(given + "which no Hadoop file system serves: " + describe(conf));
    } catch (IOException | RuntimeException | LinkageError e) {
      String jar = JARS.containsKey(scheme) ? " (it comes with " + JARS.get(scheme) + ")" : "";
      throw UserError.of(
          given + "whose file system is not on the class path" + jar + ": " + describe(conf));
    }
  }

  /**
   * "the schemes available here are file, hdfs, ...; configured but not on the class path: ...".
   */
  static String describe(Configuration conf) {
    List<String> available = new ArrayList<>();
    List<String> missing = new ArrayList<>();
    for (String scheme : known(conf)) {
      if (loadable(scheme, conf)) {
        available.add(scheme);
      } else {
        missing.add(JARS.containsKey(scheme) ? scheme + " (" + JARS.get(scheme) + ")" : scheme);
      }
    }
    return "the schemes available here are "
        + String.join(", ", available)
        + (missing.isEmpty()
            ? ""
            : "; known but not on the class path: " + String.join(", ", missing));
  }

  /** The schemes a file system on the class path serves, sorted. */
  public static List<String> available(Configuration conf) {
    return known(conf).stream().filter(s -> loadable(s, conf)).toList();
  }

  /**
   * Every scheme Hadoop knows of: those its file systems register as services and those its
   * configuration names ({@code fs.<scheme>.impl}), with {@code file}, {@code hdfs} and {@code
   * s3a}.
   */
  private static TreeSet<String> known(Configuration conf) {
    TreeSet<String> schemes = new TreeSet<>(List.of("file", "hdfs", "s3a"));
    ServiceLoader<FileSystem> services = ServiceLoader.load(FileSystem.class);
    for (var it = services.iterator(); ; ) {
      try {
        if (!it.hasNext()) {
          break;
        }
        schemes.add(it.next().getScheme());
      } catch (RuntimeException | LinkageError e) {
        // a file system that cannot be loaded or names no scheme: not available
      }
    }
    for (Map.Entry<String, String> e : conf) {
      String key = e.getKey();
      if (key.startsWith("fs.")
          && key.endsWith(".impl")
          && key.indexOf('.', 3) == key.length() - 5) {
        schemes.add(key.substring(3, key.length() - 5));
      }
    }
    return schemes;
  }

  private static boolean loadable(String scheme, Configuration conf) {
    try {
      FileSystem.getFileSystemClass(scheme, conf);
      return true;
    } catch (IOException | RuntimeException | LinkageError e) {
      return false;
    }
  }
}
