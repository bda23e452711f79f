package dev.glimpse.sim.scene;

/**
 * The labelled object classes. Names are part of the query language and of the model's vocabulary: never rename.
 * {@link #motId()} is the class column of MOTChallenge gt.txt files written by the simulator.
 */
public enum ObjectClass {
  PERSON("person"), CONE("cone"), CRATE("crate"), BALL("ball"), CHAIR("chair"), DOOR("door"), ROBOT("robot");

  private final String label;

  ObjectClass(String label) { this.label = label; }

  public String label() { return label; }

  /** 1-based class id used in gt.txt (person = 1, as MOTChallenge's pedestrian). */
  public int motId() { return ordinal() + 1; }

  public static ObjectClass ofLabel(String label) {
    for (ObjectClass c : values()) if (c.label.equals(label)) return c;
    throw new IllegalArgumentException("unknown class '" + label + "' (expected one of person, cone, crate, ball, chair, door, robot)");
  }
}
