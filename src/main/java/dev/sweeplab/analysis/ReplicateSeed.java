package dev.sweeplab.analysis;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;

/**
 * The generator seed of one analysis row's bootstrap: 64 bits of SHA-256 of {@code
 * <analysis>:<sweep seed>:<row key>}, so a re-run of the analysis draws the same replicates and
 * writes identical rows, and no two rows share a stream.
 */
final class ReplicateSeed {
  private ReplicateSeed() {}

  static long of(String analysis, long sweepSeed, String key) {
    try {
      byte[] h =
          MessageDigest.getInstance("SHA-256")
              .digest((analysis + ":" + sweepSeed + ":" + key).getBytes(StandardCharsets.UTF_8));
      long s = 0;
      for (int b = 0; b < 8; b++) {
        s = (s << 8) | (h[b] & 0xff);
      }
      return s;
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("SHA-256 is required of every Java platform", e);
    }
  }
}
