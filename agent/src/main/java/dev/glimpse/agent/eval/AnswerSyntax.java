package dev.glimpse.agent.eval;

import dev.glimpse.csa.engine.Vocabulary;
import java.util.ArrayList;
import java.util.List;

/**
 * Parses an answer's token ids as training/tokenizer.py {@code parse_answer} does: the decoding grammar of
 * docs/model.md §5.5 for any task (ref words, then a box list, a point list with an optional count, or a memory
 * frame and a box list), read up to {@code <|eos|>}. An answer the grammar rejects, or one that stops before it is
 * complete, is not valid ({@link #parse} returns null).
 */
public final class AnswerSyntax {
  static final int MAX_ITEMS = 24;
  static final int MAX_REF_WORDS = 3;

  /** A valid answer: its items (values 0..999), whether they are boxes, and the count (or null). */
  public record Parsed(List<int[]> items, boolean boxes, Integer count) {
    public Parsed {
      items = List.copyOf(items);
    }

    public List<int[]> boxItems() { return boxes ? items : List.of(); }

    public List<int[]> pointItems() { return boxes ? List.of() : items; }
  }

  private enum S { START, REF, AFTER_REF, FRAME_NUM, FRAME_CLOSE, AFTER_FRAME, LIST_OPEN, LIST_FIRST, ITEM_NUM,
    ITEM_SEP, LIST_NEXT, LIST_ITEM_OPEN, LIST_CLOSE, AFTER_LIST, COUNT_NUM, COUNT_CLOSE, AFTER_COUNT, DONE }

  private final Vocabulary v;
  private final int eos, ref, refEnd, frame, frameEnd, box, boxEnd, point, pointEnd, count, countEnd, lbr, rbr, comma;

  public AnswerSyntax(Vocabulary v) {
    this.v = v;
    eos = v.id("<|eos|>");
    ref = v.id("<|ref|>");
    refEnd = v.id("<|/ref|>");
    frame = v.id("<|frame|>");
    frameEnd = v.id("<|/frame|>");
    box = v.id("<|box|>");
    boxEnd = v.id("<|/box|>");
    point = v.id("<|point|>");
    pointEnd = v.id("<|/point|>");
    count = v.id("<|count|>");
    countEnd = v.id("<|/count|>");
    lbr = v.id("[");
    rbr = v.id("]");
    comma = v.id(",");
  }

  /** The parsed answer, or null when the tokens (up to {@code <|eos|>}) are not a complete valid answer. */
  public Parsed parse(int[] tokens) {
    S s = S.START;
    int refWords = 0, frameTag = -1;
    Integer n = null;
    boolean boxes = false;
    List<int[]> items = new ArrayList<>();
    int[] cur = null;
    int curLen = 0;
    for (int t : tokens) {
      if (t == eos) break;
      boolean num = t >= 0 && t < Vocabulary.NUM_COORDS;
      boolean ok = switch (s) {
        case START -> t == ref;
        case REF -> refWords >= MAX_REF_WORDS ? t == refEnd : v.isWord(t) || (refWords > 0 && t == refEnd);
        case AFTER_REF -> t == box || t == point || t == frame;
        case FRAME_NUM, ITEM_NUM, COUNT_NUM -> num;
        case FRAME_CLOSE -> t == frameEnd;
        case AFTER_FRAME -> t == box;
        case LIST_OPEN, LIST_ITEM_OPEN -> t == lbr;
        case LIST_FIRST -> t == lbr || (t == rbr && frameTag < 0);
        case ITEM_SEP -> t == (curLen < cur.length ? comma : rbr);
        case LIST_NEXT -> t == rbr || (t == comma && items.size() < MAX_ITEMS);
        case LIST_CLOSE -> t == (boxes ? boxEnd : pointEnd);
        case AFTER_LIST -> !boxes && t == count;        // <|eos|> ends the loop before this check
        case COUNT_CLOSE -> t == countEnd;
        case AFTER_COUNT, DONE -> false;
      };
      if (!ok) return null;
      s = switch (s) {
        case START -> S.REF;
        case REF -> {
          if (t == refEnd) yield S.AFTER_REF;
          refWords++;
          yield S.REF;
        }
        case AFTER_REF -> {
          if (t == frame) yield S.FRAME_NUM;
          boxes = t == box;
          yield S.LIST_OPEN;
        }
        case FRAME_NUM -> {
          frameTag = t;
          yield S.FRAME_CLOSE;
        }
        case FRAME_CLOSE -> S.AFTER_FRAME;
        case AFTER_FRAME -> {
          boxes = true;
          yield S.LIST_OPEN;
        }
        case LIST_OPEN -> S.LIST_FIRST;
        case LIST_FIRST, LIST_ITEM_OPEN -> {
          if (t == rbr) yield S.LIST_CLOSE;
          cur = new int[boxes ? 4 : 2];
          curLen = 0;
          yield S.ITEM_NUM;
        }
        case ITEM_NUM -> {
          cur[curLen++] = t;
          yield S.ITEM_SEP;
        }
        case ITEM_SEP -> {
          if (t == comma) yield S.ITEM_NUM;
          items.add(cur);
          yield S.LIST_NEXT;
        }
        case LIST_NEXT -> t == comma ? S.LIST_ITEM_OPEN : S.LIST_CLOSE;
        case LIST_CLOSE -> S.AFTER_LIST;
        case AFTER_LIST -> S.COUNT_NUM;
        case COUNT_NUM -> {
          n = t;
          yield S.COUNT_CLOSE;
        }
        case COUNT_CLOSE -> S.AFTER_COUNT;
        case AFTER_COUNT, DONE -> S.DONE;
      };
    }
    boolean complete = s == S.AFTER_LIST || s == S.AFTER_COUNT || s == S.DONE;
    return complete ? new Parsed(items, boxes, n) : null;
  }
}
