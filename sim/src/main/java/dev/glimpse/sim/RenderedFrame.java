package dev.glimpse.sim;

/**
 * A rendered frame: packed RGB pixels (H·W·3, row-major, R first) and its ground truth. The pixel array is owned
 * by the renderer and overwritten by the next frame: copy it to keep it.
 */
public record RenderedFrame(int width, int height, byte[] rgb, FrameLabels labels) {}
