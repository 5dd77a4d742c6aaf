package dev.sweeplab.data;

import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Function;
import java.util.function.ToLongFunction;

/**
 * A small per-JVM cache of values that are expensive to build (parsed data files, finished data
 * sets), shared by the Spark tasks of one executor. Concurrent requests for one key build it once
 * and wait for that build; builds of different keys run in parallel (the lock is held only to find
 * or insert an entry, never while building). A failed build is not cached: every waiter gets its
 * exception, and the next request tries again. Least recently used entries are dropped beyond
 * {@code maxEntries} or {@code maxBytes}; the entry just built is always kept, and so is any entry
 * still being built.
 */
final class BoundedCache<K, V> {
  private final int maxEntries;
  private final long maxBytes;
  private final ToLongFunction<V> bytes;
  private final Map<K, CompletableFuture<V>> entries = new LinkedHashMap<>(16, 0.75f, true);
  private final AtomicLong builds = new AtomicLong();

  BoundedCache(int maxEntries, long maxBytes, ToLongFunction<V> bytes) {
    this.maxEntries = maxEntries;
    this.maxBytes = maxBytes;
    this.bytes = bytes;
  }

  /** The value for {@code key}, built with {@code build} if absent. */
  V get(K key, Function<? super K, ? extends V> build) {
    CompletableFuture<V> future;
    boolean mine;
    synchronized (entries) {
      future = entries.get(key);
      mine = future == null;
      if (mine) {
        future = new CompletableFuture<>();
        entries.put(key, future);
      }
    }
    if (!mine) {
      return await(future);
    }
    V value;
    try {
      value = build.apply(key);
    } catch (RuntimeException | Error e) {
      synchronized (entries) {
        entries.remove(key, future);
      }
      future.completeExceptionally(e);
      throw e;
    }
    builds.incrementAndGet();
    future.complete(value);
    synchronized (entries) {
      trim(key);
    }
    return value;
  }

  /** How many values this cache has built successfully. */
  long builds() {
    return builds.get();
  }

  /** Entries held, including those being built. */
  int size() {
    synchronized (entries) {
      return entries.size();
    }
  }

  private void trim(K keep) {
    long total = 0;
    for (CompletableFuture<V> f : entries.values()) {
      total += weight(f);
    }
    Iterator<Map.Entry<K, CompletableFuture<V>>> it = entries.entrySet().iterator();
    while (it.hasNext() && (entries.size() > maxEntries || total > maxBytes)) {
      Map.Entry<K, CompletableFuture<V>> e = it.next();
      if (!e.getKey().equals(keep) && e.getValue().isDone()) {
        total -= weight(e.getValue());
        it.remove();
      }
    }
  }

  private long weight(CompletableFuture<V> f) {
    return f.isDone() && !f.isCompletedExceptionally() ? bytes.applyAsLong(f.join()) : 0;
  }

  private static <V> V await(CompletableFuture<V> future) {
    try {
      return future.join();
    } catch (CompletionException e) {
      if (e.getCause() instanceof RuntimeException r) {
        throw r;
      }
      if (e.getCause() instanceof Error err) {
        throw err;
      }
      throw e;
    }
  }
}
