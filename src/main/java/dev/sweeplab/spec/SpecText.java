package dev.sweeplab.spec;

import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.CharBuffer;
import java.nio.charset.CharsetDecoder;
import java.nio.charset.CoderResult;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.Locale;
import java.util.Map;
import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.Yaml;
import org.yaml.snakeyaml.constructor.SafeConstructor;
import org.yaml.snakeyaml.error.MarkedYAMLException;
import org.yaml.snakeyaml.error.YAMLException;
import org.yaml.snakeyaml.reader.ReaderException;

/**
 * The text of a user's spec or configurations file: read with a bound, decoded as strict UTF-8, and
 * loaded as a YAML mapping; every failure names the file, and the line where there is one.
 */
final class SpecText {
  private SpecText() {}

  /**
   * The largest spec file read, in bytes: SnakeYAML's default code point limit (3 MiB), which the
   * parser keeps. A spec is a few hundred bytes; the limit keeps a wrong path ({@code /dev/zero}, a
   * data file) from filling the heap.
   */
  static final int MAX_SPEC_BYTES = 3 * 1024 * 1024;

  /**
   * The text of the spec at {@code file}, read through a stream that stops one byte past {@link
   * #MAX_SPEC_BYTES}, so a device or huge file is refused after at most that much; its bytes must
   * be UTF-8.
   */
  static String read(Path file) {
    return readText(file, "sweep spec", ", the most a spec may hold: give the sweep's YAML file");
  }

  /**
   * The UTF-8 text of a user's file at {@code file}, {@code what} naming it in errors ("sweep
   * spec"), at most {@link #MAX_SPEC_BYTES}: the stream stops one byte past that, and a larger file
   * is refused, {@code tooLarge} ending that message.
   */
  static String readText(Path file, String what, String tooLarge) {
    byte[] bytes;
    try (InputStream in = Files.newInputStream(file)) {
      bytes = in.readNBytes(MAX_SPEC_BYTES + 1);
    } catch (NoSuchFileException e) {
      throw UserError.of(what + " '" + file + "' does not exist");
    } catch (IOException e) {
      throw UserError.io("read the " + what, file.toString(), e);
    }
    if (bytes.length > MAX_SPEC_BYTES) {
      throw UserError.of(
          what + " '" + file + "' is larger than " + MAX_SPEC_BYTES + " bytes (3 MiB)" + tooLarge);
    }
    return utf8(bytes, what, file.toString());
  }

  /**
   * {@code bytes} decoded as UTF-8; the first byte that is not names its line and column, {@code
   * what} the file ("sweep spec").
   */
  static String utf8(byte[] bytes, String what, String source) {
    CharsetDecoder decoder =
        StandardCharsets.UTF_8
            .newDecoder()
            .onMalformedInput(CodingErrorAction.REPORT)
            .onUnmappableCharacter(CodingErrorAction.REPORT);
    ByteBuffer in = ByteBuffer.wrap(bytes);
    CharBuffer out = CharBuffer.allocate(bytes.length);
    CoderResult result = decoder.decode(in, out, true);
    if (!result.isError()) {
      result = decoder.flush(out);
    }
    if (result.isError()) {
      int at = in.position();
      int line = 1;
      int lineStart = 0;
      for (int i = 0; i < at; i++) {
        if (bytes[i] == '\n') {
          line++;
          lineStart = i + 1;
        }
      }
      throw UserError.of(
          what
              + " '"
              + source
              + "' is not UTF-8 at line "
              + line
              + ", byte "
              + (at - lineStart + 1)
              + String.format(Locale.ROOT, " (0x%02X)", bytes[at] & 0xff)
              + ": save it as UTF-8");
    }
    return out.flip().toString();
  }

  /** The YAML mapping of spec text; {@code source} names it in errors. */
  static Map<?, ?> load(String yamlText, String source) {
    LoaderOptions options = new LoaderOptions();
    options.setAllowDuplicateKeys(false);
    options.setCodePointLimit(MAX_SPEC_BYTES);
    Object tree;
    try {
      tree = new Yaml(new SafeConstructor(options)).load(yamlText);
    } catch (MarkedYAMLException e) {
      throw UserError.of(
          source
              + " is not valid YAML at line "
              + (e.getProblemMark().getLine() + 1)
              + ", column "
              + (e.getProblemMark().getColumn() + 1)
              + ": "
              + e.getProblem());
    } catch (ReaderException e) {
      // A character YAML forbids (NUL, most control characters), at a character offset.
      // SnakeYAML counts code points; the text is indexed in chars (an emoji is two).
      int points =
          Math.min(Math.max(e.getPosition(), 0), yamlText.codePointCount(0, yamlText.length()));
      int at = yamlText.offsetByCodePoints(0, points);
      String before = yamlText.substring(0, at);
      int line = (int) before.chars().filter(c -> c == '\n').count() + 1;
      throw UserError.of(
          source
              + " is not valid YAML at line "
              + line
              + ", column "
              + (at - before.lastIndexOf('\n'))
              + ": "
              + String.format(Locale.ROOT, "the character U+%04X", e.getCodePoint())
              + " is not allowed in YAML; remove it");
    } catch (YAMLException e) {
      throw UserError.of(source + " is not valid YAML: " + e.getMessage());
    }
    if (!(tree instanceof Map<?, ?> map)) {
      throw UserError.of(
          source
              + " must be a YAML mapping with at least 'name', found "
              + (tree == null ? "an empty document" : UserError.show(tree)));
    }
    return map;
  }
}
