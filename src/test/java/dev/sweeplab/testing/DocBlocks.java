package dev.sweeplab.testing;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** The fenced code blocks of a Markdown section, so tests run the documentation as written. */
public final class DocBlocks {
  private DocBlocks() {}

  /**
   * The {@code lang} blocks of the section under {@code heading} (a whole heading line such as
   * {@code "## Spark SQL"}), up to the next heading of the same or a higher level.
   */
  public static List<String> blocks(Path file, String heading, String lang) throws IOException {
    String text = Files.readString(file, StandardCharsets.UTF_8);
    int from = text.indexOf("\n" + heading + "\n");
    assertTrue(from >= 0, file + " has the section '" + heading + "'");
    String level = heading.substring(0, heading.indexOf(' ') + 1);
    Matcher next = Pattern.compile("\n#{1," + (level.length() - 1) + "} ").matcher(text);
    int to = next.find(from + heading.length() + 1) ? next.start() : text.length();
    String section = text.substring(from, to);
    List<String> blocks = new ArrayList<>();
    Matcher block = Pattern.compile("```" + lang + "\n(.*?)```", Pattern.DOTALL).matcher(section);
    while (block.find()) {
      blocks.add(block.group(1));
    }
    return blocks;
  }

  /** The SQL statements of {@code blocks}, comments removed, in order. */
  public static List<String> statements(List<String> blocks) {
    List<String> statements = new ArrayList<>();
    for (String block : blocks) {
      for (String s : block.replaceAll("--[^\n]*", "").split(";")) {
        if (!s.isBlank()) {
          statements.add(s.strip());
        }
      }
    }
    return statements;
  }
}
