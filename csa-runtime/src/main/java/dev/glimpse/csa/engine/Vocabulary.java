package dev.glimpse.csa.engine;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.MissingNode;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The model's vocabulary (docs/model.md §5.1) read from its {@code tokenizer.json} (a HF WordLevel tokenizer:
 * Lowercase normaliser; WhitespaceSplit, isolated Punctuation and Digits pre-tokenisers; special {@code <|…|>}
 * tokens). The pipeline is four rules, so it is written here rather than bound from a native tokenizer library;
 * training/tokenizer.py {@code encode_text} is the reference and the GPU machine checks it against HF
 * {@code tokenizers}. Ids 0..999 are the numbers "0".."999".
 */
public final class Vocabulary {
  public static final int NUM_COORDS = 1000;
  /** A special piece, a digit run, a letter run, or one other non-space character. */
  private static final Pattern PIECE = Pattern.compile("<\\|[^|>]*\\|>|[0-9]+|[^\\W\\d_]+|[^\\w\\s]|_",
      Pattern.UNICODE_CHARACTER_CLASS);

  /** Largest token id read (the table of tokens is sized by the largest id; real vocabularies are far smaller). */
  public static final int MAX_ID = (1 << 20) - 1;
  private static final String REGENERATE = " (regenerate it: python3 -m training.tokenizer --write FILE)";

  private final Map<String, Integer> ids;
  private final String[] tokens;
  final int pad, bos, eos, unk, frame, frameEnd, query, answer, ref, refEnd, box, boxEnd, point, pointEnd, count,
      countEnd, lbr, rbr, comma;
  final int firstWord, lastWord;      // word tokens: ids firstWord..lastWord (docs/model.md §5.4 rule a)

  private Vocabulary(Map<String, Integer> ids) throws IOException {
    this.ids = Map.copyOf(ids);
    int n = ids.values().stream().mapToInt(Integer::intValue).max().orElse(-1) + 1;
    tokens = new String[n];
    ids.forEach((t, i) -> tokens[i] = t);
    List<String> missing = new ArrayList<>();
    for (int i = 0; i < NUM_COORDS; i++) if (!Integer.valueOf(i).equals(ids.get(Integer.toString(i)))) missing.add(Integer.toString(i));
    String[] specials = {"<|pad|>", "<|bos|>", "<|eos|>", "<|unk|>", "<|frame|>", "<|/frame|>", "<|query|>",
        "<|answer|>", "<|ref|>", "<|/ref|>", "<|box|>", "<|/box|>", "<|point|>", "<|/point|>", "<|count|>",
        "<|/count|>", "[", "]", ",", "box", "objects"};
    for (String s : specials) if (!ids.containsKey(s)) missing.add(s);
    if (!missing.isEmpty()) {
      throw new IOException("tokenizer.json lacks " + (missing.size() > 8 ? missing.size() + " required tokens, e.g. "
          + missing.subList(0, 8) : missing) + REGENERATE);
    }
    pad = ids.get("<|pad|>"); bos = ids.get("<|bos|>"); eos = ids.get("<|eos|>"); unk = ids.get("<|unk|>");
    frame = ids.get("<|frame|>"); frameEnd = ids.get("<|/frame|>"); query = ids.get("<|query|>");
    answer = ids.get("<|answer|>"); ref = ids.get("<|ref|>"); refEnd = ids.get("<|/ref|>"); box = ids.get("<|box|>");
    boxEnd = ids.get("<|/box|>"); point = ids.get("<|point|>"); pointEnd = ids.get("<|/point|>");
    count = ids.get("<|count|>"); countEnd = ids.get("<|/count|>"); lbr = ids.get("["); rbr = ids.get("]");
    comma = ids.get(",");
    firstWord = ids.get("box");
    int last = firstWord;
    while (last + 1 < n && tokens[last + 1] != null && !tokens[last + 1].startsWith("<|")) last++;
    lastWord = last;
  }

  /**
   * Reads the vocabulary of {@code tokenizer.json} ({@code model.vocab}, WordLevel). Ids are checked before anything
   * is sized by them: each is an integer 0..{@value #MAX_ID}, and no two tokens share one. (The model then checks
   * the largest against its vocab_size.)
   */
  public static Vocabulary load(Path tokenizerJson) throws IOException {
    JsonNode root;
    try {
      root = new ObjectMapper().readTree(tokenizerJson.toFile());
    } catch (JsonProcessingException e) {
      throw new IOException(tokenizerJson + ": not valid JSON: " + e.getOriginalMessage() + REGENERATE);
    }
    JsonNode model = root == null ? MissingNode.getInstance() : root.path("model");
    if (!"WordLevel".equals(model.path("type").asText()) || !model.path("vocab").isObject()) {
      throw new IOException(tokenizerJson + ": expected a WordLevel model with a vocab object" + REGENERATE);
    }
    Map<String, Integer> ids = new HashMap<>();
    Map<Integer, String> byId = new HashMap<>();
    List<String> bad = new ArrayList<>();
    for (Map.Entry<String, JsonNode> e : model.path("vocab").properties()) {
      JsonNode id = e.getValue();
      if (!id.isIntegralNumber() || !id.canConvertToInt() || id.asInt() < 0 || id.asInt() > MAX_ID) {
        bad.add("'" + e.getKey() + "' has id " + id + " (ids are integers 0.." + MAX_ID + ")");
        continue;
      }
      String other = byId.putIfAbsent(id.asInt(), e.getKey());
      if (other != null) {
        String first = other.compareTo(e.getKey()) < 0 ? other : e.getKey(), second = first.equals(other) ? e.getKey() : other;
        bad.add("'" + first + "' and '" + second + "' both have id " + id);
      }
      ids.put(e.getKey(), id.asInt());
    }
    if (!bad.isEmpty()) {
      throw new IOException(tokenizerJson + ": " + (bad.size() > 8 ? bad.size() + " bad ids, e.g. " + bad.subList(0, 8)
          : String.join("; ", bad)) + REGENERATE);
    }
    return new Vocabulary(ids);
  }

  public int size() { return tokens.length; }

  /** Encodes text as tokenizer.json does; unknown pieces become {@code <|unk|>}. */
  public int[] encode(String text) {
    List<Integer> out = new ArrayList<>();
    Matcher m = PIECE.matcher(text);
    while (m.find()) {
      String piece = m.group();
      if (!piece.startsWith("<|")) piece = piece.toLowerCase(java.util.Locale.ROOT);
      out.add(ids.getOrDefault(piece, unk));
    }
    return out.stream().mapToInt(Integer::intValue).toArray();
  }

  /** The token string of an id. */
  public String token(int id) { return id >= 0 && id < tokens.length && tokens[id] != null ? tokens[id] : "<|unk|>"; }

  public boolean isWord(int id) { return id >= firstWord && id <= lastWord; }

  /** The id of a known token, or -1. */
  public int id(String token) { return ids.getOrDefault(token, -1); }

  /**
   * Canonical detokenisation (docs/model.md §5.4): token strings concatenated up to {@code <|eos|>}; a word after a
   * word gets one space; a number between {@code <|frame|>} and {@code <|/frame|>} is written as the offset to the
   * latest frame's tag, −((latest − n) mod 1000), and "0" for the latest frame.
   */
  public String detokenize(int[] answer, int latestTag) {
    StringBuilder sb = new StringBuilder();
    int prev = -1;
    boolean inFrame = false;
    for (int t : answer) {
      if (t == eos || t == pad) break;
      String s = token(t);
      if (prev >= 0 && isWord(prev) && isWord(t)) sb.append(' ');
      if (inFrame && t < NUM_COORDS) {
        int off = Math.floorMod(latestTag - t, NUM_COORDS);
        s = off == 0 ? "0" : "-" + off;
      }
      sb.append(s);
      inFrame = t == frame || (inFrame && t != frameEnd);
      prev = t;
    }
    return sb.toString();
  }
}
