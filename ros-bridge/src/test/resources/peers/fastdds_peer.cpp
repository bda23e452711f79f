// A ROS 2-shaped Fast DDS 2.9 peer for ros-bridge's tests, built in the test with fastddsgen + g++ from the IDL in
// ../idl. Output on stdout, one line per event.
//
//   fastdds_peer dump DOMAIN TOPIC N                               print N Detection2DArray samples as JSON
//   fastdds_peer pub-image DOMAIN TOPIC W H ENC STEP DATALEN N     Image, data[i] = (i * 7 + 3) & 0xff
//   fastdds_peer pub-compressed DOMAIN TOPIC FORMAT FILE N         CompressedImage with FILE's bytes
//   fastdds_peer pub-string DOMAIN TOPIC TEXT N                    std_msgs/String
//
// Discovery is UDP on 127.0.0.1 only: participant id 8, unicast initial peers at the SPDP ports of participant
// indices 0..7 (Cyclone's auto indices), ports per the RTPS 2.2 §9.6.1.1 mapping (7400 + 250·domain + 10 + 2·id).
// Publishers wait up to 10 s for a matched reader, write N samples 20 ms apart, then wait up to 10 s until every
// matched reader has acknowledged them (reliable writers).
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <iterator>
#include <memory>
#include <string>
#include <thread>
#include <vector>

#include <fastdds/dds/domain/DomainParticipant.hpp>
#include <fastdds/dds/domain/DomainParticipantFactory.hpp>
#include <fastdds/dds/publisher/DataWriter.hpp>
#include <fastdds/dds/publisher/Publisher.hpp>
#include <fastdds/dds/subscriber/DataReader.hpp>
#include <fastdds/dds/subscriber/SampleInfo.hpp>
#include <fastdds/dds/subscriber/Subscriber.hpp>
#include <fastdds/dds/topic/TypeSupport.hpp>
#include <fastdds/rtps/transport/UDPv4TransportDescriptor.h>
#include <fastrtps/utils/IPLocator.h>

#include "sensor_msgsPubSubTypes.h"
#include "std_msgsPubSubTypes.h"
#include "vision_msgsPubSubTypes.h"

using namespace eprosima::fastdds::dds;
using eprosima::fastdds::rtps::UDPv4TransportDescriptor;
using eprosima::fastrtps::rtps::IPLocator;
using eprosima::fastrtps::rtps::Locator_t;

static const int PARTICIPANT_ID = 8;

static Locator_t loopback(uint32_t port) {
  Locator_t l;
  IPLocator::setIPv4(l, 127, 0, 0, 1);
  l.port = port;
  return l;
}

static DomainParticipant* participant(int domain) {
  DomainParticipantQos q;
  q.transport().use_builtin_transports = false;
  auto udp = std::make_shared<UDPv4TransportDescriptor>();
  udp->interfaceWhiteList.emplace_back("127.0.0.1");
  q.transport().user_transports.push_back(udp);
  q.wire_protocol().participant_id = PARTICIPANT_ID;
  uint32_t base = 7400 + 250 * domain;
  q.wire_protocol().builtin.metatrafficUnicastLocatorList.push_back(loopback(base + 10 + 2 * PARTICIPANT_ID));
  q.wire_protocol().default_unicast_locator_list.push_back(loopback(base + 11 + 2 * PARTICIPANT_ID));
  for (uint32_t i = 0; i < 8; i++) q.wire_protocol().builtin.initialPeersList.push_back(loopback(base + 10 + 2 * i));
  DomainParticipant* p = DomainParticipantFactory::get_instance()->create_participant(domain, q);
  if (p == nullptr) { std::fprintf(stderr, "create_participant failed\n"); std::exit(2); }
  return p;
}

static Topic* topic(DomainParticipant* p, TypeSupport type, const char* name) {
  type.register_type(p);
  Topic* t = p->create_topic(name, type.get_type_name(), TOPIC_QOS_DEFAULT);
  if (t == nullptr) { std::fprintf(stderr, "create_topic failed\n"); std::exit(2); }
  return t;
}

static void json_string(const std::string& s) {
  std::putchar('"');
  for (unsigned char c : s) {
    if (c == '"' || c == '\\') std::printf("\\%c", c);
    else if (c < 0x20) std::printf("\\u%04x", c);
    else std::putchar(c);
  }
  std::putchar('"');
}

static void json_header(const std_msgs::msg::dds_::Header_& h) {
  std::printf("{\"sec\":%d,\"nanosec\":%u,\"frame_id\":", h.stamp().sec(), h.stamp().nanosec());
  json_string(h.frame_id());
  std::putchar('}');
}

static void print_detections(const vision_msgs::msg::dds_::Detection2DArray_& a) {
  std::printf("{\"header\":");
  json_header(a.header());
  std::printf(",\"detections\":[");
  for (size_t i = 0; i < a.detections().size(); i++) {
    const auto& d = a.detections()[i];
    std::printf("%s{\"header\":", i ? "," : "");
    json_header(d.header());
    std::printf(",\"results\":[");
    for (size_t k = 0; k < d.results().size(); k++) {
      const auto& r = d.results()[k];
      const auto& p = r.pose().pose();
      std::printf("%s{\"class_id\":", k ? "," : "");
      json_string(r.hypothesis().class_id());
      std::printf(",\"score\":%.17g,\"pose\":[%.17g,%.17g,%.17g,%.17g,%.17g,%.17g,%.17g],\"covariance\":[",
                  r.hypothesis().score(), p.position().x(), p.position().y(), p.position().z(), p.orientation().x(),
                  p.orientation().y(), p.orientation().z(), p.orientation().w());
      for (int c = 0; c < 36; c++) std::printf("%s%.17g", c ? "," : "", r.pose().covariance()[c]);
      std::printf("]}");
    }
    const auto& b = d.bbox();
    std::printf("],\"bbox\":[%.17g,%.17g,%.17g,%.17g,%.17g],\"id\":", b.center().position().x(),
                b.center().position().y(), b.center().theta(), b.size_x(), b.size_y());
    json_string(d.id());
    std::putchar('}');
  }
  std::printf("]}\n");
}

static void dump(int domain, const char* name, int n) {
  DomainParticipant* p = participant(domain);
  Topic* t = topic(p, TypeSupport(new vision_msgs::msg::dds_::Detection2DArray_PubSubType()), name);
  DataReaderQos q = DATAREADER_QOS_DEFAULT;
  q.reliability().kind = RELIABLE_RELIABILITY_QOS;
  q.history().kind = KEEP_LAST_HISTORY_QOS;
  q.history().depth = 10;
  DataReader* r = p->create_subscriber(SUBSCRIBER_QOS_DEFAULT)->create_datareader(t, q);
  std::printf("READY\n");
  std::fflush(stdout);
  for (int i = 0; i < n;) {
    if (!r->wait_for_unread_message(eprosima::fastrtps::Duration_t(30, 0))) {
      std::fprintf(stderr, "no sample within 30 s\n");
      std::exit(3);
    }
    vision_msgs::msg::dds_::Detection2DArray_ m;
    SampleInfo info;
    while (i < n && r->take_next_sample(&m, &info) == ReturnCode_t::RETCODE_OK) {
      if (!info.valid_data) continue;
      print_detections(m);
      std::fflush(stdout);
      i++;
    }
  }
  DomainParticipantFactory::get_instance()->delete_participant(p);  // entities left: process exits anyway
}

template <typename T>
static void publish(int domain, TypeSupport type, const char* name, T& sample, int n) {
  DomainParticipant* p = participant(domain);
  Topic* t = topic(p, type, name);
  DataWriterQos q = DATAWRITER_QOS_DEFAULT;
  q.reliability().kind = RELIABLE_RELIABILITY_QOS;
  q.history().kind = KEEP_LAST_HISTORY_QOS;
  q.history().depth = 10;
  DataWriter* w = p->create_publisher(PUBLISHER_QOS_DEFAULT)->create_datawriter(t, q);
  PublicationMatchedStatus st;
  for (int i = 0; i < 1000; i++) {
    w->get_publication_matched_status(st);
    if (st.current_count > 0) break;
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
  if (st.current_count == 0) { std::fprintf(stderr, "no reader matched within 10 s\n"); std::exit(3); }
  std::printf("MATCHED\n");
  std::fflush(stdout);
  for (int i = 0; i < n; i++) {
    w->write(&sample);
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
  // The writer matching the reader does not mean the reader has matched the writer yet: a reliable reader that
  // discovers it later asks for the samples again, so stay until every matched reader has acknowledged them.
  w->wait_for_acknowledgments(eprosima::fastrtps::Duration_t(10, 0));
  std::printf("DONE\n");
  std::fflush(stdout);
  std::_Exit(0);  // skip Fast DDS teardown: the test kills us anyway, and this keeps the run short
}

static std_msgs::msg::dds_::Header_ header() {
  std_msgs::msg::dds_::Header_ h;
  h.stamp().sec(1700000000);
  h.stamp().nanosec(123456789);
  h.frame_id("cam");
  return h;
}

int main(int argc, char** argv) {
  std::string mode = argc > 1 ? argv[1] : "";
  if (mode == "dump" && argc == 5) {
    dump(std::atoi(argv[2]), argv[3], std::atoi(argv[4]));
    return 0;
  }
  if (mode == "pub-image" && argc == 10) {
    sensor_msgs::msg::dds_::Image_ m;
    m.header(header());
    m.width(static_cast<uint32_t>(std::atol(argv[4])));
    m.height(static_cast<uint32_t>(std::atol(argv[5])));
    m.encoding(argv[6]);
    m.step(static_cast<uint32_t>(std::atol(argv[7])));
    std::vector<uint8_t> data(static_cast<size_t>(std::atol(argv[8])));
    for (size_t i = 0; i < data.size(); i++) data[i] = static_cast<uint8_t>((i * 7 + 3) & 0xff);
    m.data(data);
    publish(std::atoi(argv[2]), TypeSupport(new sensor_msgs::msg::dds_::Image_PubSubType()), argv[3], m,
            std::atoi(argv[9]));
  }
  if (mode == "pub-compressed" && argc == 7) {
    std::ifstream f(argv[5], std::ios::binary);
    std::vector<uint8_t> data((std::istreambuf_iterator<char>(f)), std::istreambuf_iterator<char>());
    sensor_msgs::msg::dds_::CompressedImage_ m;
    m.header(header());
    m.format(argv[4]);
    m.data(data);
    publish(std::atoi(argv[2]), TypeSupport(new sensor_msgs::msg::dds_::CompressedImage_PubSubType()), argv[3], m,
            std::atoi(argv[6]));
  }
  if (mode == "pub-string" && argc == 6) {
    std_msgs::msg::dds_::String_ m;
    m.data(argv[4]);
    publish(std::atoi(argv[2]), TypeSupport(new std_msgs::msg::dds_::String_PubSubType()), argv[3], m,
            std::atoi(argv[5]));
  }
  std::fprintf(stderr, "usage: see the comment at the top of fastdds_peer.cpp\n");
  return 1;
}
