package dev.sweeplab.deploy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.networknt.schema.Error;
import com.networknt.schema.Schema;
import com.networknt.schema.SchemaRegistry;
import com.networknt.schema.SpecificationVersion;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.junit.jupiter.api.Test;

/**
 * Every manifest in deploy/k8s against the Kubeflow Spark Operator's own schemas: the {@code
 * openAPIV3Schema} of its {@code sparkapplications} and {@code scheduledsparkapplications} CRDs
 * (release {@value #CRD_RELEASE}, vendored under {@code src/test/resources/dev/sweeplab/deploy/
 * crds} with their provenance). Validated as the API server does with strict field validation
 * ({@code kubectl apply --validate=strict}): a field the schema does not define is an error, not
 * pruned, so a mistyped or unknown field fails the build, as does a wrong type or a missing
 * required field.
 */
class OperatorSchemaTest {
  static final String CRD_RELEASE = "v2.5.2";
  static final ObjectMapper JSON = new ObjectMapper();

  static final Map<String, String> SCHEMA_OF_KIND =
      Map.of(
          "SparkApplication", "sparkapplications.v1beta2.json",
          "ScheduledSparkApplication", "scheduledsparkapplications.v1beta2.json");

  private static final Map<String, Schema> SCHEMAS = new ConcurrentHashMap<>();

  @Test
  void everyManifestIsValidForTheOperatorsCrds() {
    int documents = 0;
    for (Path file : manifests()) {
      for (Map<String, Object> doc : DeployFiles.yamlDocuments(file)) {
        documents++;
        List<String> errors = errors(doc);
        assertTrue(errors.isEmpty(), file + " against the " + CRD_RELEASE + " CRD:\n" + errors);
      }
    }
    assertTrue(documents >= 3, "deploy/k8s holds the manifests (" + documents + ")");
  }

  /** The validation can fail: each kind of mistake in a real manifest is caught and located. */
  @Test
  void aMistypedUnknownOrWronglyTypedFieldIsCaught() {
    Map<String, Object> nightly =
        DeployFiles.yamlDocuments(Path.of("deploy/k8s/nightly.yaml")).get(0);
    assertEquals(List.of(), errors(nightly), "the nightly manifest as shipped");

    ObjectNode misspelt = JSON.valueToTree(nightly);
    ((ObjectNode) misspelt.at("/spec")).put("timezone", "UTC"); // for timeZone
    assertMentions(errors(misspelt), "timezone");

    ObjectNode unknown = JSON.valueToTree(nightly);
    ((ObjectNode) unknown.at("/spec/template/executor")).put("gpus", 1);
    assertMentions(errors(unknown), "gpus");

    ObjectNode wrongType = JSON.valueToTree(nightly);
    ((ObjectNode) wrongType.at("/spec/template/executor")).put("instances", "four");
    assertMentions(errors(wrongType), "instances");

    ObjectNode missing = JSON.valueToTree(nightly);
    ((ObjectNode) missing.at("/spec")).remove("schedule");
    assertMentions(errors(missing), "schedule");

    Map<String, Object> sweep = DeployFiles.yamlDocuments(Path.of("deploy/k8s/sweep.yaml")).get(0);
    ObjectNode badEnum = JSON.valueToTree(sweep);
    ((ObjectNode) badEnum.at("/spec")).put("mode", "clustr");
    assertMentions(errors(badEnum), "mode");
  }

  private static void assertMentions(List<String> errors, String field) {
    assertFalse(errors.isEmpty(), "a manifest with a bad '" + field + "' passed");
    assertTrue(
        errors.stream().anyMatch(e -> e.contains(field)),
        "the error names '" + field + "': " + errors);
  }

  static List<Path> manifests() {
    return DeployFiles.filesUnder(DeployFiles.DEPLOY.resolve("k8s")).stream()
        .filter(p -> p.toString().endsWith(".yaml"))
        .toList();
  }

  /** The schema errors of one manifest document, each with the path of the field it concerns. */
  static List<String> errors(Object document) {
    JsonNode doc = JSON.valueToTree(document);
    String kind = doc.path("kind").asText();
    String file = SCHEMA_OF_KIND.get(kind);
    if (file == null) {
      fail("no Spark Operator CRD for kind '" + kind + "'");
    }
    List<String> errors = new ArrayList<>();
    for (Error e : SCHEMAS.computeIfAbsent(file, OperatorSchemaTest::load).validate(doc)) {
      errors.add(e.getInstanceLocation() + ": " + e.getMessage());
    }
    return errors;
  }

  private static Schema load(String file) {
    try (InputStream in = OperatorSchemaTest.class.getResourceAsStream("crds/" + file)) {
      assertNotNull(in, "the vendored CRD schema crds/" + file);
      JsonNode schema = JSON.readTree(in);
      strict((ObjectNode) schema);
      // OpenAPI 3.0's schema object is a JSON Schema draft 4 dialect, less a few keywords.
      return SchemaRegistry.withDefaultDialect(SpecificationVersion.DRAFT_4).getSchema(schema);
    } catch (IOException e) {
      throw new AssertionError("cannot read crds/" + file, e);
    }
  }

  /**
   * Makes a structural CRD schema validate as the API server does under strict field validation: an
   * object schema that lists its properties and neither allows more nor preserves unknown fields
   * gets {@code additionalProperties: false}. The Kubernetes extensions ({@code x-kubernetes-*})
   * and the OpenAPI formats (int32, int64, date-time) are dropped: the first are not JSON Schema,
   * the second only narrow what {@code type} already checks here.
   */
  static void strict(ObjectNode schema) {
    boolean preserves = schema.path("x-kubernetes-preserve-unknown-fields").asBoolean(false);
    for (Iterator<String> names = schema.fieldNames(); names.hasNext(); ) {
      String name = names.next();
      // Called on schemas only (never on a properties map), so "format" is the keyword.
      if (name.startsWith("x-kubernetes-") || name.equals("format")) {
        names.remove();
      }
    }
    if (schema.get("properties") instanceof ObjectNode properties) {
      properties.elements().forEachRemaining(p -> strict((ObjectNode) p));
      if (!schema.has("additionalProperties") && !preserves) {
        schema.put("additionalProperties", false);
      }
    }
    for (String key : List.of("items", "additionalProperties", "not")) {
      if (schema.get(key) instanceof ObjectNode child) {
        strict(child);
      }
    }
    for (String key : List.of("anyOf", "allOf", "oneOf")) {
      if (schema.get(key) instanceof ArrayNode list) {
        list.elements().forEachRemaining(s -> strict((ObjectNode) s));
      }
    }
  }
}
