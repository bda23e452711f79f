package dev.glimpse.csa.engine;

import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A parsed query (docs/model.md §5.2): its task and target words. Input is lower-cased and whitespace-normalised;
 * anything else is an error that lists the accepted forms and the known words.
 *
 * @param text   the canonical text ("box all red cone")
 * @param task   what the answer holds
 * @param target the target words ("red cone")
 */
public record Query(String text, Task task, String target) {

  /** The answer form a query asks for. */
  public enum Task { BOX, POINT, COUNT, MEMORY }

  private static final List<Object[]> FORMS = List.of(
      new Object[] {Pattern.compile("box all (.+)"), Task.BOX, "box all %s"},
      new Object[] {Pattern.compile("point to all (.+)"), Task.POINT, "point to all %s"},
      new Object[] {Pattern.compile("count (.+)"), Task.COUNT, "count %s"},
      new Object[] {Pattern.compile("where was (.+) last seen"), Task.MEMORY, "where was %s last seen"});

  /** Parses {@code raw}; the target must be a class, a colour and a class, or "objects". */
  public static Query parse(String raw, List<String> classes, List<String> colors) {
    String text = String.join(" ", raw.trim().toLowerCase(java.util.Locale.ROOT).split("\\s+"));
    for (Object[] f : FORMS) {
      Matcher m = ((Pattern) f[0]).matcher(text);
      if (!m.matches()) continue;
      String target = m.group(1);
      String[] words = target.split(" ");
      boolean ok = words.length == 1 ? classes.contains(words[0]) || words[0].equals("objects")
          : words.length == 2 && colors.contains(words[0]) && classes.contains(words[1]);
      if (!ok) {
        throw new IllegalArgumentException("unknown target '" + target + "' in query '" + raw + "': use a class ("
            + String.join(", ", classes) + "), a colour and a class (" + String.join(", ", colors)
            + " + class), or 'objects'");
      }
      return new Query(((String) f[2]).formatted(target), (Task) f[1], target);
    }
    throw new IllegalArgumentException("unknown query '" + raw + "': use 'box all <target>', 'point to all <target>', "
        + "'count <target>' or 'where was <target> last seen', e.g. 'box all person' or 'point to all red cone'");
  }
}
