package dev.sweeplab.data;

import java.util.SplittableRandom;

/**
 * Independent random streams derived from a data seed: one per purpose (teacher weights, training
 * samples, subset order, label noise...) and, within a stream, one per sample index, so that sample
 * i's numbers depend on (seed, stream, i) only and never overlap another sample's.
 *
 * <p>Why not {@code new SplittableRandom(seed + i * GOLDEN)}: SplittableRandom advances its state
 * by that same golden gamma, so sample i + 1 would replay sample i's draws shifted by one. Here the
 * per-sample seed goes through SplitMix64's finaliser first.
 */
final class Seeds {
  static final long TEACHER = 1;
  static final long TRAIN_SAMPLES = 2;
  static final long TEST_SAMPLES = 3;
  static final long TRAIN_ORDER = 4;
  static final long TEST_ORDER = 5;
  static final long LABEL_NOISE = 6;
  static final long VAL_SAMPLES = 7;

  private static final long GOLDEN = 0x9E3779B97F4A7C15L;

  private Seeds() {}

  /** The seed of one stream. */
  static long of(long seed, long stream) {
    return mix64(mix64(seed) + stream * GOLDEN);
  }

  /** The generator of sample {@code index} of a stream. */
  static SplittableRandom rng(long seed, long stream, long index) {
    return new SplittableRandom(mix64(of(seed, stream) + index * GOLDEN));
  }

  /** SplitMix64's finaliser (Stafford's variant 13), a bijection that mixes every bit. */
  static long mix64(long z) {
    z = (z ^ (z >>> 30)) * 0xbf58476d1ce4e5b9L;
    z = (z ^ (z >>> 27)) * 0x94d049bb133111ebL;
    return z ^ (z >>> 31);
  }
}
