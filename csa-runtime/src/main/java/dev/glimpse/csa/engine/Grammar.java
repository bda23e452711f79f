package dev.glimpse.csa.engine;

import java.util.ArrayList;
import java.util.List;

/**
 * The decoding grammar (docs/model.md §5.5; training/tokenizer.py {@code Grammar} is the reference state machine):
 * tracks one answer being decoded and says which tokens keep it valid — forced ref words, balanced brackets,
 * numbers 0..999, at most {@value #MAX_ITEMS} items, the body the task asks for. Without a task and target it is
 * tokenizer.py's {@code Grammar("any")}: up to {@value #MAX_REF_WORDS} ref words, then any body, which is how
 * {@link #parse} reads a finished answer.
 */
public final class Grammar {
  public static final int MAX_ITEMS = 24;
  public static final int MAX_REF_WORDS = 3;

  /** A complete valid answer: its items (values 0..999), whether they are boxes, the count and the frame tag (-1: none). */
  public record Parsed(List<int[]> items, boolean boxes, int count, int frameTag) {
    public Parsed {
      items = List.copyOf(items);
    }
  }

  /**
   * Parses answer tokens as training/tokenizer.py {@code parse_answer} does: read up to {@code <|eos|>} under the
   * any-task grammar; null when a token is not allowed or the answer stops before it is complete.
   */
  public static Parsed parse(Vocabulary v, int[] tokens) {
    Grammar g = new Grammar(v, null, null);
    for (int t : tokens) {
      if (t == v.eos) break;
      if (!g.allows(t)) return null;
      g.push(t);
    }
    return g.complete() ? new Parsed(g.items, g.boxes, g.count, g.frameTag) : null;
  }

  private enum S { START, REF, AFTER_REF, FRAME_NUM, FRAME_CLOSE, AFTER_FRAME, LIST_OPEN, LIST_FIRST, ITEM_NUM,
    ITEM_SEP, LIST_NEXT, LIST_ITEM_OPEN, LIST_CLOSE, AFTER_LIST, COUNT_NUM, COUNT_CLOSE, AFTER_COUNT, DONE }

  private final Vocabulary v;
  private final Query.Task task;
  private final int[] target;
  private S state = S.START;
  private int refWords;
  private boolean boxes;                 // kind: box (4 numbers) or point (2)
  private int frameTag = -1;
  private final List<int[]> items = new ArrayList<>();
  private int[] cur;
  private int curLen;
  private int count = -1;

  /** The grammar of an answer to {@code task} about the ref words {@code target}; both null: any answer. */
  Grammar(Vocabulary v, Query.Task task, int[] target) {
    this.v = v;
    this.task = task;
    this.target = target == null ? null : target.clone();
  }

  /** Whether token {@code t} keeps the answer valid. */
  boolean allows(int t) {
    boolean num = t >= 0 && t < Vocabulary.NUM_COORDS;
    return switch (state) {
      case START -> t == v.ref;
      case REF -> target == null
          ? (refWords >= MAX_REF_WORDS ? t == v.refEnd : v.isWord(t) || (refWords > 0 && t == v.refEnd))
          : refWords < target.length ? t == target[refWords] : t == v.refEnd;
      case AFTER_REF -> task == null ? t == v.box || t == v.point || t == v.frame : switch (task) {
        case BOX -> t == v.box;
        case POINT, COUNT -> t == v.point;
        case MEMORY -> t == v.box || t == v.frame;
      };
      case FRAME_NUM, ITEM_NUM, COUNT_NUM -> num;
      case FRAME_CLOSE -> t == v.frameEnd;
      case AFTER_FRAME -> t == v.box;
      case LIST_OPEN, LIST_ITEM_OPEN -> t == v.lbr;
      case LIST_FIRST -> t == v.lbr || (t == v.rbr && frameTag < 0);
      case ITEM_SEP -> curLen < cur.length ? t == v.comma : t == v.rbr;
      case LIST_NEXT -> t == v.rbr || (t == v.comma && items.size() < MAX_ITEMS);
      case LIST_CLOSE -> t == (boxes ? v.boxEnd : v.pointEnd);
      case AFTER_LIST -> task == null ? t == v.eos || (!boxes && t == v.count)
          : task == Query.Task.COUNT ? t == v.count : t == v.eos;
      case COUNT_CLOSE -> t == v.countEnd;
      case AFTER_COUNT -> t == v.eos;
      case DONE -> false;
    };
  }

  /** Whether the state is one where an item may start or the list may close (the score's decision points). */
  boolean atItemDecision() { return state == S.LIST_FIRST || state == S.LIST_NEXT; }

  /** The token that opens (or continues to) another item at a decision point. */
  int continueToken() { return state == S.LIST_FIRST ? v.lbr : v.comma; }

  void push(int t) {
    if (!allows(t)) throw new IllegalStateException("token " + v.token(t) + " not allowed in state " + state);
    state = switch (state) {
      case START -> S.REF;
      case REF -> {
        if (t == v.refEnd) yield S.AFTER_REF;
        refWords++;
        yield S.REF;
      }
      case AFTER_REF -> {
        if (t == v.frame) yield S.FRAME_NUM;
        boxes = t == v.box;
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
        if (t == v.rbr) yield S.LIST_CLOSE;
        cur = new int[boxes ? 4 : 2];
        curLen = 0;
        yield S.ITEM_NUM;
      }
      case ITEM_NUM -> {
        cur[curLen++] = t;
        yield S.ITEM_SEP;
      }
      case ITEM_SEP -> {
        if (t == v.comma) yield S.ITEM_NUM;
        items.add(cur);
        yield S.LIST_NEXT;
      }
      case LIST_NEXT -> t == v.comma ? S.LIST_ITEM_OPEN : S.LIST_CLOSE;
      case LIST_CLOSE -> S.AFTER_LIST;
      case AFTER_LIST -> t == v.count ? S.COUNT_NUM : S.DONE;
      case COUNT_NUM -> {
        count = t;
        yield S.COUNT_CLOSE;
      }
      case COUNT_CLOSE -> S.AFTER_COUNT;
      case AFTER_COUNT -> S.DONE;
      case DONE -> S.DONE;
    };
  }

  boolean done() { return state == S.DONE; }

  /** Whether the answer may end here (a count answer needs its count). */
  boolean complete() {
    return state == S.AFTER_COUNT || state == S.DONE || (state == S.AFTER_LIST && task != Query.Task.COUNT);
  }

  boolean boxes() { return boxes; }

  /** Items decoded so far: boxes [x1,y1,x2,y2] or points [x,y], values 0..999. */
  List<int[]> items() { return items; }

  /** The copied frame tag of a memory answer, or -1. */
  int frameTag() { return frameTag; }

  /** The count of a count answer, or -1. */
  int count() { return count; }
}
