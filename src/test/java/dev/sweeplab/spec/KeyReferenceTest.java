package dev.sweeplab.spec;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

/** docs/sweeps.md holds exactly the key reference the registry renders. */
class KeyReferenceTest {
  static final Path DOC = Path.of("docs/sweeps.md");

  @Test
  void theDocumentMatchesTheRegistry() throws Exception {
    String doc = Files.readString(DOC);
    assertEquals(
        KeyReference.splice(doc, DOC.toString()),
        doc,
        "docs/sweeps.md's key reference differs from SpecKeys: run"
            + " `bin/sweeplab keys --update docs/sweeps.md`");
  }

  @Test
  void everyKeyHasARowWithItsDefaultAndRule() {
    String md = KeyReference.markdown();
    for (Key key : SpecKeys.BY_PATH.values()) {
      String row =
          md.lines()
              .filter(l -> l.startsWith("| `" + key.path() + "` |"))
              .findFirst()
              .orElseThrow(() -> new AssertionError("no row for " + key.path()));
      String[] cells = row.split(" \\| ");
      assertEquals(6, cells.length, row);
      assertEquals(key.axis() ? "yes" : "", cells[3].strip(), row);
      assertTrue(row.contains(key.description().replace("|", "\\|")), row);
      if (key.defaultValue() == null) {
        assertEquals("required", cells[2], row);
      } else if (!"".equals(key.defaultValue())) {
        assertEquals("`" + key.defaultValue() + "`", cells[2], row);
      }
    }
    assertEquals(
        SpecKeys.BY_PATH.size(),
        md.lines().filter(l -> l.startsWith("| `")).count(),
        "one row per key, no more");
  }

  @Test
  void aDocumentWithoutMarkersIsRefused() {
    UserError e = assertThrows(UserError.class, () -> KeyReference.splice("# no markers", "x.md"));
    assertTrue(e.getMessage().contains(KeyReference.BEGIN), e.getMessage());
  }
}
