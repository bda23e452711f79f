package dev.glimpse.agent.eval;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.glimpse.csa.engine.Vocabulary;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** Valid and invalid answers exactly as training/tokenizer.py parse_answer decides them. */
class AnswerSyntaxTest {
  static Vocabulary v;
  static AnswerSyntax syntax;

  @BeforeAll
  static void load() throws Exception {
    v = Vocabulary.load(EvalTestData.SMOKE_MODEL.resolve("tokenizer.json"));
    syntax = new AnswerSyntax(v);
  }

  static AnswerSyntax.Parsed parse(String text) { return syntax.parse(v.encode(text)); }

  @Test
  void validAnswers() {
    AnswerSyntax.Parsed box = parse("<|ref|>red cone<|/ref|><|box|>[[1,2,3,4],[5,6,7,8]]<|/box|><|eos|>");
    assertNotNull(box);
    assertTrue(box.boxes());
    assertArrayEquals(new int[] {5, 6, 7, 8}, box.boxItems().get(1));
    assertTrue(box.pointItems().isEmpty());
    AnswerSyntax.Parsed count = parse("<|ref|>cone<|/ref|><|point|>[[1,2]]<|/point|><|count|>1<|/count|><|eos|>");
    assertEquals(1, count.count());
    assertEquals(1, count.pointItems().size());
    assertNull(parse("<|ref|>cone<|/ref|><|point|>[]<|/point|><|eos|>").count());
    assertNotNull(parse("<|ref|>cone<|/ref|><|box|>[]<|/box|>"), "complete without <|eos|> (cut exactly there)");
    assertNotNull(parse("<|ref|>ball<|/ref|><|box|>[]<|/box|><|eos|> box all"), "tokens after <|eos|> are ignored");
    assertEquals(3, parse("<|ref|>ball<|/ref|><|frame|>3<|/frame|><|box|>[[1,2,3,4]]<|/box|><|eos|>").items().get(0)[2]);
  }

  @Test
  void invalidAnswers() {
    assertNull(parse("<|ref|>red door<|/ref|><|point|>[[5"), "cut off");
    assertNull(parse("<|ref|>cone<|/ref|><|box|>[[1,2,3]]<|/box|><|eos|>"), "a box of 3 numbers");
    assertNull(parse("<|ref|>cone<|/ref|><|box|>[[1,2,3,4]]<|/box|><|count|>1<|/count|><|eos|>"), "count after boxes");
    assertNull(parse("<|ref|><|/ref|><|box|>[]<|/box|><|eos|>"), "no ref word");
    assertNull(parse("<|ref|>red blue green cone<|/ref|><|box|>[]<|/box|><|eos|>"), "four ref words");
    assertNull(parse("<|ref|>ball<|/ref|><|frame|>3<|/frame|><|box|>[]<|/box|><|eos|>"), "memory with no box");
    assertNull(parse("<|ref|>cone<|/ref|><|point|>[[1,2]]<|/point|><|count|>1<|eos|>"), "unclosed count");
    StringBuilder many = new StringBuilder("<|ref|>cone<|/ref|><|point|>[");
    for (int i = 0; i < AnswerSyntax.MAX_ITEMS + 1; i++) many.append(i == 0 ? "" : ",").append("[1,2]");
    assertNull(parse(many + "]<|/point|><|eos|>"), "25 items");
    assertNotNull(parse(many.substring(0, many.length() - ",[1,2]".length()) + "]<|/point|><|eos|>"), "24 items");
  }
}
