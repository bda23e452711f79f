package dev.glimpse.csa.engine;

import dev.glimpse.types.Detection;
import java.util.List;

/**
 * The answer to one query: the detokenised text (DeepSeek's primitive syntax, docs/model.md §5.3-§5.4), the typed
 * primitives in the source frame's pixels with their scores and the frame they refer to, and the context's size.
 *
 * @param query      the canonical query
 * @param text       the raw answer, e.g. {@code <|ref|>person<|/ref|><|box|>[[452,23,804,411]]<|/box|>}
 * @param tokens     the answer's token ids, ending with {@code <|eos|>} unless cut at the token cap
 * @param detections one per listed item; score = the model's probability of opening that item (rather than closing
 *                   the list) among the tokens the grammar allows there
 * @param count      the number of a count answer, else -1
 * @param complete   whether the answer ended with {@code <|eos|>} within the token cap
 * @param kv         the context at the time of asking
 */
public record Answer(Query query, String text, int[] tokens, List<Detection> detections, int count, boolean complete,
    KvStats kv) {
  public Answer {
    tokens = tokens.clone();
    detections = List.copyOf(detections);
  }
}
