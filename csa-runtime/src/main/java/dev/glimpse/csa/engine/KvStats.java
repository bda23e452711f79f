package dev.glimpse.csa.engine;

/**
 * The size of a context (docs/model.md §7.2): frames held, compressed rows of one CSA layer (per frame: 81 image
 * cells + the frame's other windows at 756²), and the bytes of every stored row of every layer (raw windows,
 * compressed rows, indexer keys; f32 as the CPU engine stores them).
 *
 * @param frames        frames in the context
 * @param tokens        tokens fed so far (positions; never reset)
 * @param rowsPerLayer  compressed rows held by the first CSA layer (0 if the model has none)
 * @param bytes         bytes of every stored row
 */
public record KvStats(int frames, long tokens, int rowsPerLayer, long bytes) {}
