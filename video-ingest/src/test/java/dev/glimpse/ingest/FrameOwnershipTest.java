package dev.glimpse.ingest;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.glimpse.types.Frame;
import dev.glimpse.types.PixelBuffer;
import dev.glimpse.types.PixelFormat;
import dev.glimpse.types.Stamp;
import java.nio.ByteBuffer;
import java.nio.ReadOnlyBufferException;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Ownership rules of {@link PixelBuffer} and {@link Frame}: views share, copies copy, the last close recycles once. */
class FrameOwnershipTest {
  @Test
  void viewOfSharesMemoryAndCopyOfDoesNot() {
    ByteBuffer memory = ByteBuffer.allocateDirect(6);
    PixelBuffer view = PixelBuffer.viewOf(memory, PixelBuffer.Recycler.NONE);
    PixelBuffer copy = PixelBuffer.copyOf(memory);
    memory.put(0, (byte) 42);
    assertEquals(42, view.view().get(0), "a view sees writes to the memory it wraps");
    assertEquals(0, copy.view().get(0), "a copy does not");
    assertTrue(view.isDirect());
    assertFalse(copy.isDirect());
    assertThrows(ReadOnlyBufferException.class, () -> view.view().put(0, (byte) 1), "views handed out are read-only");
  }

  @Test
  void lastCloseRecyclesTheCallersBufferOnce() {
    ByteBuffer memory = ByteBuffer.allocateDirect(8);
    List<ByteBuffer> recycled = new ArrayList<>();
    PixelBuffer p = PixelBuffer.viewOf(memory, recycled::add);
    p.retain();
    p.close();
    assertTrue(p.isOpen(), "one owner is left");
    assertTrue(recycled.isEmpty());
    p.close();
    assertFalse(p.isOpen());
    assertEquals(1, recycled.size());
    assertSame(memory, recycled.getFirst(), "the pool gets its own buffer object back");
    assertThrows(IllegalStateException.class, p::close, "a third close would free memory someone else reads");
    assertThrows(IllegalStateException.class, p::view);
    assertThrows(IllegalStateException.class, p::retain);
    assertEquals(1, recycled.size());
  }

  @Test
  void frameChecksItsGeometry() {
    PixelBuffer small = PixelBuffer.copyOf(new byte[4 * 2 * 3 - 1]);
    assertThrows(IllegalArgumentException.class,
        () -> new Frame("s", "s", 0, 0, new Stamp(0, 0), 0, 4, 2, 12, PixelFormat.RGB24, small));
    PixelBuffer ok = PixelBuffer.copyOf(new byte[4 * 2 * 3]);
    assertThrows(IllegalArgumentException.class,
        () -> new Frame("s", "s", 0, 0, new Stamp(0, 0), 0, 4, 2, 11, PixelFormat.RGB24, ok), "stride below a row");
    assertThrows(IllegalArgumentException.class,
        () -> new Frame("s", "s", -1, 0, new Stamp(0, 0), 0, 4, 2, 12, PixelFormat.RGB24, ok));
  }

  @Test
  void copyOfFramePacksRowsAndOutlivesTheSource() {
    // 2×2 GRAY8 with a stride of 3: one padding byte per row that the copy must drop
    byte[] padded = {1, 2, 99, 3, 4};
    List<ByteBuffer> recycled = new ArrayList<>();
    Frame f = new Frame("cam", "cam_optical", 7, 123, new Stamp(1, 2), 33_333, 2, 2, 3, PixelFormat.GRAY8,
        PixelBuffer.viewOf(ByteBuffer.wrap(padded), recycled::add));
    Frame copy = Frame.copyOf(f);
    f.close();
    assertEquals(1, recycled.size(), "closing the frame released its buffer");
    assertArrayEquals(new byte[] {1, 2, 3, 4}, copy.pixels().toByteArray());
    assertEquals(2, copy.stride());
    assertEquals(7, copy.sequence());
    assertEquals(33_333, copy.ptsMicros());
    assertEquals("cam_optical", copy.frameId());
    copy.close();
  }
}
