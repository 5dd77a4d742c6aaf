package dev.sweeplab.model;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.Properties;
import java.util.TreeSet;
import java.util.stream.Stream;
import org.nd4j.linalg.factory.Nd4j;

/** Facts about the software and machine a run executes on, for its provenance. */
public final class Platform {
  private Platform() {}

  /**
   * sweeplab's version, stamped into the jar at build time; read once per JVM (every staged run
   * records it, and finding the resource on a long class path is not free).
   */
  public static String version() {
    return Version.VALUE;
  }

  private static final class Version {
    static final String VALUE = read();
  }

  private static String read() {
    try (InputStream in = Platform.class.getResourceAsStream("/dev/sweeplab/version.properties")) {
      if (in == null) {
        return "unknown";
      }
      Properties p = new Properties();
      p.load(in);
      return p.getProperty("version", "unknown");
    } catch (IOException e) {
      return "unknown";
    }
  }

  /** ND4J backend and the BLAS it calls, e.g. {@code CpuBackend/OPENBLAS}. */
  public static String nd4jBackend() {
    return Nd4j.getBackend().getClass().getSimpleName()
        + "/"
        + Nd4j.factory().blas().getBlasVendor();
  }

  /**
   * The native code ND4J computes with in this process, as the mapped shared libraries named like a
   * BLAS or like ND4J's own, each with its build's platform (ND4J's generic build is {@code
   * linux-x86_64}, its AVX-512 build {@code linux-x86_64-avx512}) and size, comma-separated. Read
   * once, after ND4J has loaded its backend, so every run of a JVM records the same text.
   */
  public static String nativeLibraries() {
    return Natives.VALUE;
  }

  private static final class Natives {
    static final String VALUE = read();

    private static String read() {
      nd4jBackend(); // loads the backend, and with it its libraries
      return String.join(", ", mappedLibraries());
    }
  }

  /**
   * The CPU's model name from /proc/cpuinfo (it decides which kernels OpenBLAS's DYNAMIC_ARCH build
   * picks), or "unknown" where there is none.
   */
  public static String cpuModel() {
    return Cpu.VALUE;
  }

  private static final class Cpu {
    static final String VALUE = read();

    private static String read() {
      try (Stream<String> lines = Files.lines(Path.of("/proc/cpuinfo"))) {
        return lines
            .filter(l -> l.startsWith("model name"))
            .map(l -> l.substring(l.indexOf(':') + 1).strip())
            .findFirst()
            .orElse("unknown");
      } catch (IOException | RuntimeException e) {
        return "unknown";
      }
    }
  }

  /**
   * The mapped shared libraries named like a BLAS or like ND4J's native library (JavaCPP's JNI
   * wrappers left out), each {@linkplain #describe described}; or one entry saying why there are
   * none.
   */
  static List<String> mappedLibraries() {
    TreeSet<String> found = new TreeSet<>();
    try {
      for (Path path : mappedFiles()) {
        String name = path.getFileName().toString().toLowerCase(Locale.ROOT);
        if ((name.contains("blas") || name.contains("nd4jcpu"))
            && name.contains(".so")
            && !name.startsWith("libjni")) {
          found.add(describe(path));
        }
      }
    } catch (IOException | RuntimeException e) {
      return List.of("native libraries unknown: " + e.getMessage());
    }
    return found.isEmpty() ? List.of("no BLAS library mapped") : List.copyOf(found);
  }

  /** The files mapped into this process, from /proc/self/maps, one entry per mapping. */
  static List<Path> mappedFiles() throws IOException {
    List<Path> files = new java.util.ArrayList<>();
    for (String line : Files.readAllLines(Path.of("/proc/self/maps"))) {
      int slash = line.indexOf('/');
      if (slash >= 0) {
        files.add(Path.of(line.substring(slash).strip()));
      }
    }
    return files;
  }

  /**
   * A library as its file name, the directory it was unpacked to (JavaCPP names it after the
   * build's platform: {@code linux-x86_64} or {@code linux-x86_64-avx512}) and its size, which name
   * the build whatever jar carried it (a plain dependency or the shaded cluster jar).
   */
  private static String describe(Path library) {
    Path dir = library.getParent();
    String platform = dir == null || dir.getFileName() == null ? "" : dir.getFileName() + ", ";
    try {
      return String.format(
          Locale.ROOT, "%s (%s%d bytes)", library.getFileName(), platform, Files.size(library));
    } catch (IOException e) {
      return library + " (unreadable: " + e.getMessage() + ")";
    }
  }

  /** Whether ND4J runs on its CUDA backend (nd4j-cuda, the {@code cuda} Maven profile). */
  public static boolean cudaBackend() {
    return Nd4j.getBackend().getClass().getSimpleName().startsWith("JCublas");
  }

  /**
   * Pins ND4J's work in the calling thread to CUDA device {@code ordinal}: arrays it creates from
   * now on are allocated there. Call before the thread creates any array; CUDA backend only.
   */
  public static void useGpu(int ordinal) {
    Nd4j.getAffinityManager().unsafeSetDevice(ordinal);
  }

  public static String java() {
    return System.getProperty("java.vendor") + " " + System.getProperty("java.version");
  }

  public static String os() {
    return System.getProperty("os.name") + " " + System.getProperty("os.version");
  }

  public static String arch() {
    return System.getProperty("os.arch");
  }
}
