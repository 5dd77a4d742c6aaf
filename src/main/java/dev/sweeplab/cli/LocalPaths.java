package dev.sweeplab.cli;

import java.nio.file.Files;
import java.nio.file.Path;

/** Checks on local output paths made before any work starts. */
final class LocalPaths {
  private LocalPaths() {}

  /** The nearest part of {@code path} that exists: itself or an ancestor; null if none does. */
  static Path nearestExisting(Path path) {
    for (Path at = path.toAbsolutePath(); at != null; at = at.getParent()) {
      if (Files.exists(at)) {
        return at;
      }
    }
    return null;
  }
}
