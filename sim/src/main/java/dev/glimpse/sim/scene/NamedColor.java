package dev.glimpse.sim.scene;

/**
 * The eight colour names of the query language with the sRGB albedo each is painted with (before lighting).
 * A person's colour is the colour of its shirt.
 */
public enum NamedColor {
  RED("red", 0xC8241E), GREEN("green", 0x2E9A36), BLUE("blue", 0x2748C2), YELLOW("yellow", 0xE8CC22),
  ORANGE("orange", 0xF06A12), PURPLE("purple", 0x7A2E9E), WHITE("white", 0xEBEBE6), BLACK("black", 0x1E1E20);

  private final String label;
  private final int rgb;

  NamedColor(String label, int rgb) {
    this.label = label;
    this.rgb = rgb;
  }

  public String label() { return label; }

  /** Albedo as 0xRRGGBB. */
  public int rgb() { return rgb; }

  public static NamedColor ofLabel(String label) {
    for (NamedColor c : values()) if (c.label.equals(label)) return c;
    throw new IllegalArgumentException("unknown colour '" + label + "' (expected one of red, green, blue, yellow, orange, purple, white, black)");
  }
}
