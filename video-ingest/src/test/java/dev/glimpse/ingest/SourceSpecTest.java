package dev.glimpse.ingest;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.glimpse.config.SourceKind;
import dev.glimpse.config.SourceUrl;
import org.junit.jupiter.api.Test;

/** Parsing what users type into sources, and the errors when it is wrong. */
class SourceSpecTest {
  @Test
  void unknownSchemeNamesTheSourceAndListsTheSchemes() {
    SourceException e = assertThrows(SourceException.class, () -> SourceSpec.parseUrl("rstp://cam.local/stream1"));
    assertTrue(e.getMessage().startsWith("source 'rstp://cam.local/stream1': "), e.getMessage());
    for (String scheme : SourceKind.schemes()) assertTrue(e.getMessage().contains(scheme), "lists " + scheme + ": " + e.getMessage());
    assertTrue(e.getMessage().contains("did you mean 'rtsp'"), e.getMessage());
    assertTrue(e.permanent());
  }

  @Test
  void passwordsNeverReachTheMessage() {
    SourceException e = assertThrows(SourceException.class, () -> SourceSpec.parseUrl("foo://admin:hunter2@cam/x"));
    assertFalse(e.getMessage().contains("hunter2"), e.getMessage());
    assertTrue(e.getMessage().contains("admin:***@cam"), e.getMessage());
  }

  @Test
  void malformedUrlsSayWhatIsWrong() {
    SourceException host = assertThrows(SourceException.class, () -> SourceSpec.parseUrl("rtsp:///nohost"));
    assertTrue(host.getMessage().contains("host"), host.getMessage());
    SourceException sim = assertThrows(SourceException.class, () -> SourceSpec.parseUrl("sim://seed=1&sise=64x64"));
    assertTrue(sim.getMessage().contains("did you mean 'size'"), sim.getMessage());
    SourceException empty = assertThrows(SourceException.class, () -> SourceSpec.parseUrl("  "));
    assertTrue(empty.getMessage().contains("supported schemes"), empty.getMessage());
  }

  @Test
  void everyKindParses() throws SourceException {
    assertEquals(SourceKind.RTSP, SourceSpec.parseUrl("rtsp://127.0.0.1:8554/cam").kind());
    assertEquals(SourceKind.FILE, SourceSpec.parseUrl("videos/run1.mkv").kind());
    assertEquals("/abs/v.avi", SourceSpec.parseUrl("file:///abs/v.avi").location());
    assertEquals(SourceKind.V4L2, SourceSpec.parseUrl("v4l2:///dev/video0").kind());
    assertEquals(SourceKind.IMAGES, SourceSpec.parseUrl("images:///data/frames").kind());
    SourceUrl hls = SourceSpec.parseUrl("http://127.0.0.1:8080/live/index.m3u8");
    assertTrue(hls.isHls());
    SourceUrl sim = SourceSpec.parseUrl("sim://seed=7&size=64x48&fps=15&frames=20");
    assertEquals("64x48", sim.params().get("size"));
  }
}
