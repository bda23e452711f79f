package dev.glimpse.ros.dds;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.glimpse.ros.NativePeers;
import dev.glimpse.ros.msg.MessageType;
import dev.glimpse.ros.msg.RosTypes;
import dev.glimpse.ros.msg.Schemas;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The descriptors generated in Java from {@link Schemas} are identical, word for word, to what Cyclone's own IDL
 * compiler makes of the IDL in {@code src/test/resources/idl}: same serializer program, same C size and alignment.
 */
class OpsCompilerTest {
  static JsonNode idlc;

  @BeforeAll
  static void describeIdlcOutput() throws Exception {
    Path peer = NativePeers.cyclonePeer();
    Process p = new ProcessBuilder(peer.toString(), "describe").redirectErrorStream(true).start();
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    p.waitFor(10, TimeUnit.SECONDS);
    idlc = new ObjectMapper().readTree(out);
  }

  @Test
  void everyTypeCompilesToIdlcsDescriptor() {
    for (MessageType<?> t : RosTypes.ALL) {
      JsonNode want = idlc.get(t.ddsTypeName());
      assertNotNull(want, "idlc has no " + t.ddsTypeName());
      OpsCompiler.Compiled got = OpsCompiler.compile(t.schema());
      int[] ops = new int[want.get("ops").size()];
      for (int i = 0; i < ops.length; i++) ops[i] = (int) want.get("ops").get(i).asLong();
      assertArrayEquals(ops, got.ops(), t.ddsTypeName() + " ops");
      assertEquals(want.get("nops").asInt(), got.instructions(), t.ddsTypeName() + " m_nops");
      assertEquals(want.get("size").asInt(), got.size(), t.ddsTypeName() + " m_size");
      assertEquals(want.get("align").asInt(), got.align(), t.ddsTypeName() + " m_align");
    }
  }

  @Test
  void nestedStructsAreEmittedOnceAndReachedByBackwardJumps() {
    int[] ops = OpsCompiler.compile(Schemas.DETECTION2D_ARRAY).ops();
    // Detection2D's header refers back to the Header block emitted for the array's own header: a negative jump.
    long backward = java.util.Arrays.stream(ops).filter(w -> (w >>> 16) == 3 && (short) w < 0).count();
    assertEquals(1, backward);
  }
}
