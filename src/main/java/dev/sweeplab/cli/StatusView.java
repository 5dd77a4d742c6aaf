package dev.sweeplab.cli;

import dev.sweeplab.store.SweepCounts;
import dev.sweeplab.store.SweepPlan;
import dev.sweeplab.store.SweepRows.Execution;
import dev.sweeplab.store.SweepStatus;
import dev.sweeplab.store.Unreadable;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneId;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;

/** {@link SweepStatus} as {@code sweeplab status} prints it: a block of lines for a person. */
public final class StatusView {
  private StatusView() {}

  /** The status as a block of lines; times in {@code zone}, dates unless today. */
  public static String render(SweepStatus s, ZoneId zone, long now) {
    StringBuilder text = new StringBuilder(state(s, zone, now));
    s.setAside()
        .forEach(
            (file, why) ->
                text.append("  unreadable staged file set aside: ")
                    .append(Unreadable.DIR)
                    .append('/')
                    .append(file)
                    .append(" (")
                    .append(why)
                    .append("); its run counts as not staged\n"));
    if (!s.staleNumerics().isEmpty()) {
      text.append("  ")
          .append(s.staleNumerics())
          .append(": not done; the next run trains them again\n");
    }
    return text.toString();
  }

  private static String state(SweepStatus s, ZoneId zone, long now) {
    StringBuilder out = new StringBuilder("sweep ").append(s.sweep()).append(": ");
    SweepPlan plan = s.plan();
    SweepCounts staged = s.staged();
    if (s.committed()) {
      Execution c = s.lastCommit();
      out.append("finished ")
          .append(at(c.finished(), zone, now))
          .append(", committed ")
          .append(c.counts().finished())
          .append(" runs (")
          .append(c.counts().byStatus())
          .append(")\n  started ")
          .append(at(c.started(), zone, now))
          .append(" (app ")
          .append(c.sparkAppId())
          .append(plan == null ? "" : ", host " + plan.host())
          .append("); ")
          .append(c.counts().planned())
          .append(" planned, ")
          .append(c.counts().reused())
          .append(" reused, ")
          .append(c.counts().trained())
          .append(" trained\n");
      return out.toString();
    }
    if (plan == null) {
      out.append(staged.finished())
          .append(" runs staged (")
          .append(staged.byStatus())
          .append(
              "), not committed; no plan was recorded (started by an older sweeplab?), so the"
                  + " runs left are unknown\n");
    } else {
      String since = at(plan.started(), zone, now);
      String app = "app " + plan.sparkAppId();
      out.append(
              switch (s.driver()) {
                case ALIVE ->
                    "running (pid "
                        + plan.pid()
                        + ") since "
                        + since
                        + " ("
                        + app
                        + ", host "
                        + plan.host()
                        + ")";
                case GONE ->
                    "stopped before its commit: its driver (pid "
                        + plan.pid()
                        + " on this host, started "
                        + since
                        + ", "
                        + app
                        + ") has exited; run it again to resume";
                default ->
                    "not committed: running, or stopped before its commit (run it again to resume);"
                        + " started "
                        + since
                        + " ("
                        + app
                        + ") by pid "
                        + plan.pid()
                        + " on host "
                        + plan.host()
                        + ", which cannot be checked from here";
              })
          .append("\n  ")
          .append(staged.finished())
          .append(" of ")
          .append(staged.planned())
          .append(" runs staged (")
          .append(staged.byStatus())
          .append("), ")
          .append(s.left())
          .append(" left; estimated cost done ")
          .append(Math.round(100 * s.costDone()))
          .append("%\n");
    }
    out.append("  last commit: ");
    Execution last = s.lastCommit();
    if (last == null) {
      out.append("none\n");
    } else {
      out.append(at(last.finished(), zone, now))
          .append(", ")
          .append(last.counts().finished())
          .append(" runs (")
          .append(last.counts().byStatus())
          .append(")\n");
    }
    return out.toString();
  }

  private static String at(long millis, ZoneId zone, long now) {
    ZonedDateTime t = Instant.ofEpochMilli(millis).atZone(zone);
    boolean today = t.toLocalDate().equals(LocalDate.ofInstant(Instant.ofEpochMilli(now), zone));
    return t.format(DateTimeFormatter.ofPattern(today ? "HH:mm" : "yyyy-MM-dd HH:mm"));
  }
}
