package dev.sweeplab.spec;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.Map;
import java.util.TreeMap;

/** Sorted-key JSON and the hashes taken of it: the identity of a run. */
public final class CanonicalJson {
  private static final ObjectMapper MAPPER =
      new ObjectMapper().configure(SerializationFeature.ORDER_MAP_ENTRIES_BY_KEYS, true);

  private CanonicalJson() {}

  /** Compact JSON with keys sorted at every level. */
  public static String write(Map<String, ?> value) {
    try {
      return MAPPER.writeValueAsString(new TreeMap<>(value));
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("cannot write JSON for " + value, e);
    }
  }

  /** Parses a JSON object into a map (numbers as Integer, Long or Double). */
  @SuppressWarnings("unchecked")
  public static Map<String, Object> read(String json) {
    try {
      return MAPPER.readValue(json, TreeMap.class);
    } catch (JsonProcessingException e) {
      throw UserError.of("not a JSON object: " + e.getOriginalMessage());
    }
  }

  /** The first {@code hexChars} hex digits of SHA-256 of the text. */
  public static String sha256(String text, int hexChars) {
    try {
      byte[] digest =
          MessageDigest.getInstance("SHA-256").digest(text.getBytes(StandardCharsets.UTF_8));
      return HexFormat.of().formatHex(digest).substring(0, hexChars);
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("SHA-256 is part of every JVM", e);
    }
  }

  /** A non-negative 63-bit seed from SHA-256 of the text. */
  public static long seedOf(String text) {
    return Long.parseUnsignedLong(sha256(text, 16), 16) >>> 1;
  }
}
