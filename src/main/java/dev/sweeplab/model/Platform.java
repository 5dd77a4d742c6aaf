package dev.sweeplab.model;

import java.io.IOException;
import java.io.InputStream;
import java.util.Properties;
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
