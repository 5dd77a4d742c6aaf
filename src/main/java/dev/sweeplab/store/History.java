package dev.sweeplab.store;

import dev.sweeplab.spec.UserError;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.apache.iceberg.Snapshot;
import org.apache.iceberg.Table;
import org.apache.iceberg.data.Record;

/**
 * A sweep's commits as the {@code sweeps} table's snapshots record them, and the earlier states
 * {@code --as-of} reads. Driver-only; reads table metadata and the {@code sweeps} rows, no Spark.
 */
public final class History {
  private History() {}

  /**
   * One commit of a sweep.
   *
   * @param snapshot the {@code sweeps} snapshot that published it ({@code --as-of} takes it)
   * @param committedMs when
   * @param counts the counts of the newest {@code sweeps} row of the sweep in that snapshot
   * @param runsAdded runs the commit's {@code runs} snapshot added; -1 where unknown
   * @param runsRemoved runs it replaced; -1 where unknown
   */
  public record Commit(
      long snapshot, long committedMs, SweepCounts counts, long runsAdded, long runsRemoved) {}

  /** The commits of {@code sweep}, oldest first, of the snapshots still kept. */
  public static List<Commit> of(TableStore store, String sweep) {
    Optional<Table> sweeps = store.load("sweeps");
    if (sweeps.isEmpty()) {
      return List.of();
    }
    Table runs = store.load("runs").orElse(null);
    List<Commit> out = new ArrayList<>();
    for (Snapshot s : sweeps.get().snapshots()) {
      if (!sweep.equals(s.summary().get(PartitionCommit.SWEEP))) {
        continue;
      }
      Record newest = null;
      for (Record r : Pins.rows(sweeps.get(), s.snapshotId(), sweep)) {
        if (newest == null || Pins.millis(r, "finished") >= Pins.millis(newest, "finished")) {
          newest = r;
        }
      }
      if (newest == null) {
        continue; // the sweep's rows were removed
      }
      long added = -1;
      long removed = -1;
      Snapshot published =
          runs != null && Pins.field(newest, Pins.RUNS_SNAPSHOT) instanceof Long id
              ? runs.snapshot(id)
              : null;
      if (published != null) {
        added = count(published.summary(), "added-records");
        removed = count(published.summary(), "deleted-records");
      }
      out.add(
          new Commit(
              s.snapshotId(), s.timestampMillis(), SweepRows.counts(newest), added, removed));
    }
    out.sort(java.util.Comparator.comparingLong(Commit::committedMs));
    return out;
  }

  private static long count(Map<String, String> summary, String key) {
    String v = summary.get(key);
    return v == null ? 0 : Long.parseLong(v);
  }

  /**
   * The time {@code value} of {@code --as-of} names, as epoch ms: a snapshot id of one of the
   * tables (as {@code history} lists them) stands for the time it was committed; a time is ISO 8601
   * ({@code 2026-12-01T06:00:00Z}; without an offset, UTC; a space may stand for the {@code T}); a
   * date alone is the end of that day, UTC.
   */
  public static long asOfMillis(TableStore store, List<String> tables, String value) {
    String v = value.trim();
    if (v.matches("-?\\d{10,}")) {
      long id = Long.parseLong(v);
      for (String name : tables) {
        Optional<Table> t = store.load(name);
        if (t.isPresent() && t.get().snapshot(id) != null) {
          return t.get().snapshot(id).timestampMillis();
        }
      }
      throw UserError.badValue(
          "--as-of",
          value,
          "is no snapshot of the warehouse's tables (bin/sweeplab history SWEEP lists them; a"
              + " snapshot older than the retention has been expired)");
    }
    String iso = v.replace(' ', 'T');
    try {
      return Instant.parse(iso).toEpochMilli();
    } catch (DateTimeParseException e) {
      // not an instant with an offset: try the forms without one
    }
    try {
      return LocalDateTime.parse(iso).toInstant(ZoneOffset.UTC).toEpochMilli();
    } catch (DateTimeParseException e) {
      // not a local date-time either
    }
    try {
      return LocalDate.parse(iso)
              .plusDays(1)
              .atStartOfDay()
              .toInstant(ZoneOffset.UTC)
              .toEpochMilli()
          - 1;
    } catch (DateTimeParseException e) {
      throw UserError.badValue(
          "--as-of",
          value,
          "must be a snapshot id (bin/sweeplab history SWEEP lists them), a time such as"
              + " 2026-12-01T06:00:00Z (UTC without an offset) or a date such as 2026-12-01");
    }
  }
}
