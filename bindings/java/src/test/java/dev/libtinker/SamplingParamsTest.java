package dev.libtinker;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.NoSuchElementException;
import java.util.OptionalLong;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.function.Executable;

/**
 * The sampling input and result values: SamplingParams' defaults and libtinker's checks of its
 * values (named by the builder method), PromptLogprobs' explicit undefined positions, and the JSON
 * reader the sample response is copied with. No server needed.
 */
class SamplingParamsTest {
  @BeforeAll
  static void load() {
    Tinker.load();
  }

  private static String invalid(Executable make) {
    TinkerException e = assertThrows(TinkerException.class, make);
    assertEquals(Status.INVALID_ARGUMENT, e.code(), e.toString());
    return e.getMessage();
  }

  @Test
  void defaultsAreLibtinkers() {
    SamplingParams d = SamplingParams.defaults();
    assertEquals(OptionalLong.empty(), d.maxTokens(), "the server's choice");
    assertEquals(OptionalLong.empty(), d.seed(), "the server picks one");
    assertEquals(List.of(), d.stopStrings());
    assertEquals(List.of(), d.stopTokens());
    assertEquals(1.0, d.temperature());
    assertEquals(-1, d.topK(), "no limit");
    assertEquals(1.0, d.topP());
    assertEquals(d, SamplingParams.builder().build(), "a builder starts from the defaults");
    assertEquals(OptionalLong.of(16), SamplingParams.withMaxTokens(16).maxTokens());
  }

  @Test
  void builderSetsEveryValueAndToBuilderKeepsThem() {
    SamplingParams p =
        SamplingParams.builder()
            .maxTokens(0)
            .seed(-7)
            .stopStrings("\n", "é")
            .temperature(0)
            .topK(0)
            .topP(0.5)
            .build();
    assertEquals(OptionalLong.of(0), p.maxTokens());
    assertEquals(OptionalLong.of(-7), p.seed(), "any seed, negative ones too");
    assertEquals(List.of("\n", "é"), p.stopStrings());
    assertEquals(p, p.toBuilder().build());
    SamplingParams tokens = p.toBuilder().stopStrings().stopTokens(10, 33).build();
    assertEquals(List.of(10, 33), tokens.stopTokens());
    assertEquals(List.of(), tokens.stopStrings());
    assertEquals(0.5, tokens.topP(), "toBuilder keeps the other values");
    assertNotEquals(p, tokens);
  }

  @Test
  void valuesLibtinkerRefusesAreNamedByTheirBuilderMethod() {
    assertEquals(
        "SamplingParams.Builder.temperature: temperature must be finite and >= 0, got -1",
        invalid(() -> SamplingParams.builder().temperature(-1).build()));
    assertTrue(
        invalid(() -> SamplingParams.builder().temperature(Double.NaN).build())
            .startsWith("SamplingParams.Builder.temperature: "));
    assertTrue(
        invalid(() -> SamplingParams.builder().temperature(Double.POSITIVE_INFINITY).build())
            .startsWith("SamplingParams.Builder.temperature: "));
    assertEquals(
        "SamplingParams.Builder.topP: top_p must be in (0, 1], got 0",
        invalid(() -> SamplingParams.builder().topP(0).build()));
    assertTrue(invalid(() -> SamplingParams.builder().topP(1.5).build()).startsWith("SamplingParams.Builder.topP: "));
    assertEquals(
        "SamplingParams.Builder.topK: top_k must be -1 (no limit) or >= 0, got -2",
        invalid(() -> SamplingParams.builder().topK(-2).build()));
    assertEquals(
        "SamplingParams.Builder.maxTokens: max_tokens must be >= 0, got -1",
        invalid(() -> SamplingParams.withMaxTokens(-1)));
    assertEquals(
        "SamplingParams.Builder.stopStrings: stop must not be empty",
        invalid(() -> SamplingParams.builder().stopStrings("ok", "").build()));
    assertTrue(
        invalid(() -> SamplingParams.builder().stopStrings("\n").stopTokens(10).build())
            .startsWith("SamplingParams.Builder.stopTokens: stop strings were added already"));
  }

  @Test
  void recordsAreCheckedHoweverTheyAreMade() {
    String m =
        invalid(
            () -> new SamplingParams(OptionalLong.empty(), OptionalLong.empty(), List.of(), List.of(), 1.0, -1, 2.0));
    assertTrue(m.startsWith("SamplingParams.Builder.topP: "), m);
    assertThrows(
        NullPointerException.class,
        () -> new SamplingParams(null, OptionalLong.empty(), List.of(), List.of(), 1.0, -1, 1.0),
        "maxTokens: OptionalLong, not null");
    assertThrows(NullPointerException.class, () -> SamplingParams.builder().stopStrings("a", null).build());
  }

  @Test
  void promptLogprobsMakeUndefinedPositionsExplicit() {
    PromptLogprobs lp = new PromptLogprobs(new float[] {Float.NaN, -1.5f, -0.25f});
    assertEquals(3, lp.size());
    assertFalse(lp.isDefined(0));
    assertTrue(lp.isDefined(1));
    assertEquals(-1.5f, lp.get(1));
    assertThrows(NoSuchElementException.class, () -> lp.get(0));
    assertThrows(IndexOutOfBoundsException.class, () -> lp.isDefined(3));
    assertTrue(Float.isNaN(lp.toArray()[0]));
    assertEquals(new PromptLogprobs(new float[] {Float.NaN, -1.5f, -0.25f}), lp);
    assertEquals("PromptLogprobs[undefined, -1.5, -0.25]", lp.toString());
  }

  @Test
  void jsonReaderKeepsFloat32sExact() {
    // Shortest round-trip forms of float32 values, as libtinker writes them.
    float[] floats = {-0.1f, 1e-45f, 3.4028235e38f, -2.3509886e-38f, 0.33333334f, -99999.0f};
    StringBuilder text = new StringBuilder("{\"a\": [null, \"x\\u00e9\\n\", true");
    for (float f : floats) {
      text.append(", ").append(Float.toString(f));
    }
    text.append("], \"b\": {}}");
    List<Object> a = Json.array(Json.object(Json.parse(text.toString()), "root").get("a"), "a");
    assertEquals(null, a.get(0));
    assertEquals("xé\n", a.get(1));
    assertEquals(Boolean.TRUE, a.get(2));
    float[] back = new float[floats.length];
    for (int i = 0; i < floats.length; i++) {
      back[i] = Json.float32(a.get(3 + i), "a");
    }
    assertArrayEquals(floats, back);
    assertEquals(-7, Json.int32(Json.parse("-7"), "n"));
    assertThrows(IllegalArgumentException.class, () -> Json.int32(Json.parse("1.5"), "n"));
    assertThrows(IllegalArgumentException.class, () -> Json.parse("[1, 2"));
    assertThrows(IllegalArgumentException.class, () -> Json.parse("{\"a\": 1} x"));
  }
}
