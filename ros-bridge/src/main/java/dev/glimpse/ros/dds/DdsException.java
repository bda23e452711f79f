package dev.glimpse.ros.dds;

/** A Cyclone DDS call failed, or the library could not be loaded; the message names the call and the return code. */
public final class DdsException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  public DdsException(String message) {
    super(message);
  }
}
