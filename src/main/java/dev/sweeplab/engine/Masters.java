package dev.sweeplab.engine;

import dev.sweeplab.spec.UserError;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Spark master URLs: their syntax, checked before anything starts or is written, and whether a
 * standalone master ({@code spark://host:port}) answers at all, checked before Spark spends its
 * registration retries (three of 20 s) on a port where nothing listens.
 */
public final class Masters {
  private Masters() {}

  /** The forms Spark accepts, as error messages list them. */
  public static final String FORMS =
      "local, local[N], local[*], local[N,F], local-cluster[N,C,M], spark://host:port (or"
          + " spark://host1:port1,host2:port2), yarn, k8s://https://host:port or"
          + " mesos://host:port";

  private static final Pattern LOCAL_N = Pattern.compile("local\\[([0-9]+|\\*)\\]");
  private static final Pattern LOCAL_N_F =
      Pattern.compile("local\\[([0-9]+|\\*)\\s*,\\s*([0-9]+)\\]");
  private static final Pattern LOCAL_CLUSTER =
      Pattern.compile("local-cluster\\[\\s*([0-9]+)\\s*,\\s*([0-9]+)\\s*,\\s*([0-9]+)\\s*\\]");
  private static final Pattern HOST_PORT =
      Pattern.compile("(\\[[0-9a-fA-F:.]+\\]|[^:/\\s\\[\\]]+):([0-9]{1,5})");

  /**
   * {@code master} when it is a master URL Spark accepts, with every count >= 1 and every port in
   * 1-65535; otherwise a user error naming {@code option}, the value and the accepted forms.
   */
  public static String check(String option, String master) {
    String why = problem(master);
    if (why != null) {
      throw UserError.of(
          option
              + " '"
              + master
              + "' is not a Spark master URL"
              + (why.isEmpty() ? "" : " (" + why + ")")
              + ": give one of "
              + FORMS);
    }
    return master;
  }

  /** What is wrong with {@code master}: null if nothing, "" if it has none of the forms. */
  private static String problem(String master) {
    if (master.equals("local") || master.equals("yarn")) {
      return null;
    }
    Matcher m;
    if ((m = LOCAL_N.matcher(master)).matches()) {
      return positive(m.group(1), "N, the task threads");
    }
    if ((m = LOCAL_N_F.matcher(master)).matches()) {
      String n = positive(m.group(1), "N, the task threads");
      return n != null ? n : positive(m.group(2), "F, the attempts per task");
    }
    if ((m = LOCAL_CLUSTER.matcher(master)).matches()) {
      for (int g = 1; g <= 3; g++) {
        String p =
            positive(
                m.group(g), List.of("N, the workers", "C, the cores", "M, the MiB").get(g - 1));
        if (p != null) {
          return p;
        }
      }
      return null;
    }
    if (master.startsWith("spark://")) {
      String rest = master.substring("spark://".length());
      for (String hostPort : rest.split(",", -1)) {
        String p = hostPort(hostPort);
        if (p != null) {
          return p;
        }
      }
      return null;
    }
    if (master.startsWith("k8s://") || master.startsWith("mesos://")) {
      return master.endsWith("//") ? "no address after the scheme" : null;
    }
    return "";
  }

  private static String positive(String count, String what) {
    if (count.equals("*")) {
      return null;
    }
    long n;
    try {
      n = Long.parseLong(count);
    } catch (NumberFormatException e) {
      n = -1;
    }
    return n >= 1 && n <= Integer.MAX_VALUE
        ? null
        : what + " must be 1 to " + Integer.MAX_VALUE + ", found " + count;
  }

  private static String hostPort(String hostPort) {
    Matcher m = HOST_PORT.matcher(hostPort);
    if (!m.matches()) {
      return "'" + hostPort + "' is not host:port";
    }
    int port = Integer.parseInt(m.group(2));
    return port >= 1 && port <= 65535 ? null : "port " + port + " is not 1 to 65535";
  }

  /** Whether {@code master} is a standalone cluster's URL ({@code spark://...}). */
  public static boolean standalone(String master) {
    return master.startsWith("spark://");
  }

  /**
   * Fails unless some master of a {@code spark://} URL accepts a TCP connection within {@code
   * timeoutMs}; other masters pass unchecked. Connects and closes; sends nothing.
   */
  public static void probe(String master, long timeoutMs) {
    if (!standalone(master)) {
      return;
    }
    List<String> failures = new ArrayList<>();
    for (String hostPort : master.substring("spark://".length()).split(",")) {
      Matcher m = HOST_PORT.matcher(hostPort);
      if (!m.matches()) {
        continue; // checked by check()
      }
      String host = m.group(1).replaceAll("^\\[|\\]$", "");
      try (Socket socket = new Socket()) {
        socket.connect(
            new InetSocketAddress(host, Integer.parseInt(m.group(2))),
            (int) Math.min(Integer.MAX_VALUE, Math.max(1, timeoutMs)));
        return;
      } catch (IOException | IllegalArgumentException e) {
        failures.add(
            hostPort
                + ": "
                + (e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage()));
      }
    }
    throw unreachable(master, String.join("; ", failures), timeoutMs);
  }

  /** The one-line error for a cluster that did not answer within {@code timeoutMs}. */
  static UserError unreachable(String master, String why, long timeoutMs) {
    return UserError.of(
        "cannot reach the Spark master "
            + master
            + " ("
            + why
            + "; waited at most "
            + timeoutMs / 1000.0
            + " s, set by "
            + Sessions.CONNECT_TIMEOUT
            + "): start the cluster or correct --master. Nothing was written");
  }
}
