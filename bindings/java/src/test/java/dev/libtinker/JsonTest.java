package dev.libtinker;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.List;
import org.junit.jupiter.api.Test;

/** The JSON reader's slicing of a list's items (each listed result's json()); no emulator. */
class JsonTest {
  @Test
  void elementTextsAreTheArraysElementsAsWritten() {
    String list =
        "{\"cursor\": {\"runs\": [9]}, \"runs\": [ {\"id\":\"a]\\\"[\", \"n\": [1, [2]]} ,[{}], \"s\", -1.5e3, null ], "
            + "\"after\": {}}";
    assertEquals(
        List.of("{\"id\":\"a]\\\"[\", \"n\": [1, [2]]}", "[{}]", "\"s\"", "-1.5e3", "null"),
        Json.elementTexts(list, "runs"));
    assertEquals(List.of(), Json.elementTexts("{\"runs\": []}", "runs"));
    assertEquals(List.of(), Json.elementTexts("{\"other\": [1]}", "runs"), "no such member");
    assertEquals(List.of(), Json.elementTexts("{}", "runs"));
    assertThrows(IllegalArgumentException.class, () -> Json.elementTexts("{\"runs\": {}}", "runs"));
    assertThrows(IllegalArgumentException.class, () -> Json.elementTexts("[1]", "runs"));
    assertThrows(IllegalArgumentException.class, () -> Json.elementTexts("{\"runs\": [1,", "runs"));
  }

  @Test
  void itemJsonMustHaveOneTextPerItem() {
    assertEquals(List.of("1", "2"), Results.itemJson("{\"runs\": [1, 2]}", "runs", 2));
    assertThrows(IllegalStateException.class, () -> Results.itemJson("{\"runs\": [1, 2]}", "runs", 3));
  }
}
