package dev.glimpse.ros.cdr;

/**
 * A sample from a peer that does not decode into a valid message: truncated, a length larger than what is left, a
 * string without its NUL, an unknown encapsulation, a value outside its field's range, or (for images) pixel data
 * that does not match its size or encoding. The bridge drops such samples and counts them; it never throws them
 * at the application.
 */
public final class MalformedSampleException extends Exception {
  private static final long serialVersionUID = 1L;

  public MalformedSampleException(String message) {
    super(message);
  }
}
