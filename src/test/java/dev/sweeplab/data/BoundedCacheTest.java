package dev.sweeplab.data;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class BoundedCacheTest {
  private final ExecutorService pool = Executors.newFixedThreadPool(8);

  @AfterEach
  void stop() {
    pool.shutdownNow();
  }

  @Test
  void concurrentRequestsForOneKeyBuildOnce() throws Exception {
    BoundedCache<String, Object> cache = new BoundedCache<>(4, Long.MAX_VALUE, v -> 0);
    AtomicInteger builds = new AtomicInteger();
    CountDownLatch go = new CountDownLatch(1);
    List<Future<Object>> gets = new ArrayList<>();
    for (int t = 0; t < 8; t++) {
      gets.add(
          pool.submit(
              () -> {
                go.await();
                return cache.get(
                    "k",
                    k -> {
                      builds.incrementAndGet();
                      sleep(100);
                      return new Object();
                    });
              }));
    }
    go.countDown();
    Object first = gets.get(0).get();
    for (Future<Object> g : gets) {
      assertSame(first, g.get());
    }
    assertEquals(1, builds.get());
    assertEquals(1, cache.builds());
  }

  @Test
  void unrelatedKeysBuildInParallel() throws Exception {
    BoundedCache<String, String> cache = new BoundedCache<>(4, Long.MAX_VALUE, v -> 0);
    CountDownLatch aStarted = new CountDownLatch(1);
    CountDownLatch bStarted = new CountDownLatch(1);
    // Each build waits for the other to start: this completes only if they overlap.
    Future<String> a =
        pool.submit(
            () ->
                cache.get(
                    "a",
                    k -> {
                      aStarted.countDown();
                      return await(bStarted) ? "A" : "timed out";
                    }));
    Future<String> b =
        pool.submit(
            () ->
                cache.get(
                    "b",
                    k -> {
                      bStarted.countDown();
                      return await(aStarted) ? "B" : "timed out";
                    }));
    assertEquals("A", a.get(20, TimeUnit.SECONDS));
    assertEquals("B", b.get(20, TimeUnit.SECONDS));
  }

  @Test
  void aFailedBuildIsReportedToEveryWaiterAndNotCached() throws Exception {
    BoundedCache<String, String> cache = new BoundedCache<>(4, Long.MAX_VALUE, v -> 0);
    CountDownLatch building = new CountDownLatch(1);
    Future<String> first =
        pool.submit(
            () ->
                cache.get(
                    "k",
                    k -> {
                      building.countDown();
                      sleep(200);
                      throw new IllegalStateException("disk on fire");
                    }));
    building.await();
    Future<String> waiter = pool.submit(() -> cache.get("k", k -> "never built"));
    for (Future<String> f : List.of(first, waiter)) {
      ExecutionException e = assertThrows(ExecutionException.class, f::get);
      assertTrue(e.getCause() instanceof IllegalStateException, e.toString());
    }
    assertEquals("fine", cache.get("k", k -> "fine"), "the next request builds again");
  }

  @Test
  void leastRecentlyUsedEntriesGoBeyondTheCountOrTheBytes() {
    BoundedCache<String, String> cache = new BoundedCache<>(2, 10, String::length);
    cache.get("a", k -> "aaa");
    cache.get("b", k -> "bbb");
    cache.get("a", k -> "rebuilt a");
    cache.get("c", k -> "ccc"); // over 2 entries: b, the least recently used, goes
    assertEquals(2, cache.size());
    assertEquals("aaa", cache.get("a", k -> "rebuilt a"));
    assertEquals("rebuilt b", cache.get("b", k -> "rebuilt b")); // 3 entries, 15 bytes: c and a go
    assertEquals(1, cache.size());
    assertEquals("x".repeat(50), cache.get("d", k -> "x".repeat(50)), "the newest always stays");
    assertEquals(1, cache.size());
  }

  private static boolean await(CountDownLatch latch) {
    try {
      return latch.await(10, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return false;
    }
  }

  private static void sleep(long ms) {
    try {
      Thread.sleep(ms);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
