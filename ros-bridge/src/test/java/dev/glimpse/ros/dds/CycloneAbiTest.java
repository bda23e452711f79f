package dev.glimpse.ros.dds;

import static java.lang.foreign.MemoryLayout.PathElement.groupElement;
import static org.junit.jupiter.api.Assertions.assertEquals;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.glimpse.ros.NativePeers;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The struct offsets, sizes and constants that {@link Ddsc} hard-codes, against the installed Cyclone headers as a
 * C compiler sees them (the peer's {@code abi} mode prints {@code sizeof}/{@code offsetof}).
 */
class CycloneAbiTest {
  static JsonNode abi;

  @BeforeAll
  static void readAbi() throws Exception {
    Path peer = NativePeers.cyclonePeer();
    Process p = new ProcessBuilder(peer.toString(), "abi").redirectErrorStream(true).start();
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    p.waitFor(10, TimeUnit.SECONDS);
    abi = new ObjectMapper().readTree(out);
  }

  @Test
  void topicDescriptorLayoutMatchesTheHeader() {
    assertEquals(abi.get("topic_descriptor_size").asLong(), Ddsc.TOPIC_DESCRIPTOR.byteSize());
    for (String field : List.of("m_size", "m_align", "m_flagset", "m_nkeys", "m_typename", "m_keys", "m_nops", "m_ops",
        "m_meta", "type_information_data", "type_information_sz", "type_mapping_data", "type_mapping_sz",
        "restrict_data_representation")) {
      assertEquals(abi.get(field).asLong(), Ddsc.TOPIC_DESCRIPTOR.byteOffset(groupElement(field)), field);
    }
  }

  @Test
  void sampleInfoSerdataIovecAndStatusLayoutsMatch() {
    assertEquals(abi.get("sample_info_size").asLong(), Ddsc.SAMPLE_INFO_SIZE);
    assertEquals(abi.get("sample_info_valid_data").asLong(), Ddsc.SAMPLE_INFO_VALID_DATA);
    assertEquals(abi.get("serdata_type").asLong(), Ddsc.SERDATA_TYPE_OFFSET);
    assertEquals(abi.get("iovec_size").asLong(), Ddsc.IOVEC.byteSize());
    assertEquals(abi.get("iov_len").asLong(), Ddsc.IOVEC.byteOffset(groupElement("iov_len")));
    assertEquals(abi.get("incompatible_qos_status_size").asLong(), Ddsc.INCOMPATIBLE_QOS_STATUS_SIZE);
    assertEquals(abi.get("incompatible_qos_total_count_change").asLong(), Ddsc.INCOMPATIBLE_QOS_TOTAL_COUNT_CHANGE);
    assertEquals(abi.get("incompatible_qos_last_policy_id").asLong(), Ddsc.INCOMPATIBLE_QOS_LAST_POLICY_ID);
    assertEquals(abi.get("matched_status_size").asLong(), Ddsc.MATCHED_STATUS_SIZE);
    assertEquals(abi.get("matched_current_count").asLong(), Ddsc.MATCHED_CURRENT_COUNT);
  }

  @Test
  void enumValuesAndStatusBitsMatch() {
    assertEquals(abi.get("sdk_data").asInt(), Ddsc.SDK_DATA);
    assertEquals(abi.get("reliable").asInt(), Ddsc.RELIABILITY_RELIABLE);
    assertEquals(abi.get("best_effort").asInt(), Ddsc.RELIABILITY_BEST_EFFORT);
    assertEquals(abi.get("transient_local").asInt(), Ddsc.DURABILITY_TRANSIENT_LOCAL);
    assertEquals(abi.get("keep_all").asInt(), Ddsc.HISTORY_KEEP_ALL);
    assertEquals(abi.get("data_available").asInt(), Ddsc.DATA_AVAILABLE_STATUS);
    assertEquals(abi.get("requested_incompatible_qos").asInt(), Ddsc.REQUESTED_INCOMPATIBLE_QOS_STATUS);
    assertEquals(abi.get("offered_incompatible_qos").asInt(), Ddsc.OFFERED_INCOMPATIBLE_QOS_STATUS);
    assertEquals(abi.get("publication_matched").asInt(), Ddsc.PUBLICATION_MATCHED_STATUS);
    assertEquals(abi.get("subscription_matched").asInt(), Ddsc.SUBSCRIPTION_MATCHED_STATUS);
    assertEquals(abi.get("sample_lost").asInt(), Ddsc.SAMPLE_LOST_STATUS);
  }
}
