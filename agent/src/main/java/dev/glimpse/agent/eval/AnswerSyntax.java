package dev.glimpse.agent.eval;

import dev.glimpse.csa.engine.Grammar;
import dev.glimpse.csa.engine.Vocabulary;
import java.util.List;

/**
 * An answer's token ids as the metrics read them: the engine's decoding grammar for any task ({@link Grammar#parse},
 * training/tokenizer.py {@code parse_answer}: ref words, then a box list, a point list with an optional count, or a
 * memory frame and a box list, read up to {@code <|eos|>}). An answer the grammar rejects, or one that stops before
 * it is complete, is not valid ({@link #parse} returns null).
 */
public final class AnswerSyntax {
  static final int MAX_ITEMS = Grammar.MAX_ITEMS;

  /** A valid answer: its items (values 0..999), whether they are boxes, and the count (or null). */
  public record Parsed(List<int[]> items, boolean boxes, Integer count) {
    public Parsed {
      items = List.copyOf(items);
    }

    public List<int[]> boxItems() { return boxes ? items : List.of(); }

    public List<int[]> pointItems() { return boxes ? List.of() : items; }
  }

  private final Vocabulary v;

  public AnswerSyntax(Vocabulary v) {
    this.v = v;
  }

  /** The parsed answer, or null when the tokens (up to {@code <|eos|>}) are not a complete valid answer. */
  public Parsed parse(int[] tokens) {
    Grammar.Parsed p = Grammar.parse(v, tokens);
    return p == null ? null : new Parsed(p.items(), p.boxes(), p.count() < 0 ? null : p.count());
  }
}
