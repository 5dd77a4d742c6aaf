package dev.sweeplab.store;

import dev.sweeplab.model.Platform;
import java.io.Serializable;

/**
 * Where and how a run was executed, recorded in its row so results can be traced and re-run
 * (floating point differs by architecture and BLAS; see Tribuo's ModelProvenance).
 *
 * @param version sweeplab version, stamped at build time
 * @param java Java runtime version
 * @param os operating system name and version
 * @param arch CPU architecture
 * @param nd4jBackend ND4J backend and BLAS in use
 * @param nativeLibraries ND4J's native library and the BLAS mapped into the process, each with its
 *     build's platform (ND4J's generic or AVX-512 build) and size
 * @param cpuModel the CPU's model name (it decides OpenBLAS's kernels)
 * @param device {@code gpu:<address>} when Spark assigned the task a GPU (ND4J is pinned to it on
 *     the CUDA backend; nd4jBackend says which backend ran), else {@code cpu}
 * @param sparkAppId Spark application id
 * @param executorId Spark executor that ran the task
 * @param host machine name
 * @param attempt Spark task attempt number (0 for the first)
 * @param trainedBy how the run was trained: {@link #TASK} (one Spark task, one network) or {@code
 *     parameter_averaging(workers=N, averaging_frequency=F)} (DL4J's data-parallel training across
 *     N workers from the driver, parameters averaged every F minibatches per worker)
 */
public record Provenance(
    String version,
    String java,
    String os,
    String arch,
    String nd4jBackend,
    String nativeLibraries,
    String cpuModel,
    String device,
    String sparkAppId,
    String executorId,
    String host,
    int attempt,
    String trainedBy)
    implements Serializable {

  /** {@link #trainedBy} of a run trained inside one Spark task. */
  public static final String TASK = "task";

  /**
   * The provenance of a run trained in this JVM now: version, Java, OS, architecture and ND4J
   * backend of this process, with where and how it ran.
   */
  public static Provenance here(
      String device,
      String sparkAppId,
      String executorId,
      String host,
      int attempt,
      String trainedBy) {
    return new Provenance(
        Platform.version(),
        Platform.java(),
        Platform.os(),
        Platform.arch(),
        Platform.nd4jBackend(),
        Platform.nativeLibraries(),
        Platform.cpuModel(),
        device,
        sparkAppId,
        executorId,
        host,
        attempt,
        trainedBy);
  }

  /** {@link #trainedBy} of a run trained by DL4J's parameter averaging. */
  public static String parameterAveraging(int workers, int averagingFrequency) {
    return "parameter_averaging(workers="
        + workers
        + ", averaging_frequency="
        + averagingFrequency
        + ")";
  }
}
