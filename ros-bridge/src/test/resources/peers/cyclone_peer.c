/*
 * A ROS 2-shaped Cyclone DDS peer for ros-bridge's tests, built in the test with idlc + gcc from the IDL in
 * ../idl. Everything it prints goes to stdout, one line per event, JSON where it carries data.
 *
 *   cyclone_peer describe                          descriptors (size, align, nops, ops) of every type, one JSON line
 *   cyclone_peer abi                               offsets/sizes of the Cyclone structs ros-bridge reads, JSON
 *   cyclone_peer echo DOMAIN TYPE IN OUT           take TYPE from IN (reliable), write it back on OUT (reliable)
 *   cyclone_peer dump DOMAIN TYPE TOPIC N [latched]  print N samples of Detection2DArray or LabelInfo as JSON
 *   cyclone_peer pub-image DOMAIN TOPIC W H ENC STEP DATALEN N   Image, data[i] = (i * 7 + 3) & 0xff
 *   cyclone_peer pub-compressed DOMAIN TOPIC FORMAT FILE N       CompressedImage with FILE's bytes
 *   cyclone_peer pub-string DOMAIN TOPIC TEXT N                  std_msgs/String
 *   cyclone_peer bench DOMAIN TOPIC                receiver of the Detection2DArray benchmark (see
 *                                                  DetectionsBenchmark.java): frame_id "burst" samples are counted
 *                                                  and "burst_end" prints their rate; "paced" ones give latency =
 *                                                  CLOCK_MONOTONIC now − header stamp, and "end" prints p50/p99
 *
 * Publishers wait (up to 10 s) for a matched reader, then write N samples 20 ms apart, so that a best-effort
 * reader that matched late still gets some, then wait (up to 10 s) until reliable readers have acknowledged them. Headers carry stamp 1700000000.123456789 and frame_id "cam".
 * Discovery settings come from CYCLONEDDS_URI (the tests pass ros-bridge's loopback-only XML).
 */
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include "dds/dds.h"
#include "dds/ddsi/ddsi_serdata.h"
#include "dds/ddsi/ddsi_cdrstream.h"
#include "builtin_interfaces.h"
#include "std_msgs.h"
#include "vision_msgs.h"
#include "diagnostic_msgs.h"
#include "sensor_msgs.h"

static const struct { const char *name; const dds_topic_descriptor_t *desc; } TYPES[] = {
  {"Time", &builtin_interfaces_msg_dds__Time__desc},
  {"Header", &std_msgs_msg_dds__Header__desc},
  {"String", &std_msgs_msg_dds__String__desc},
  {"Detection2DArray", &vision_msgs_msg_dds__Detection2DArray__desc},
  {"LabelInfo", &vision_msgs_msg_dds__LabelInfo__desc},
  {"DiagnosticArray", &diagnostic_msgs_msg_dds__DiagnosticArray__desc},
  {"Image", &sensor_msgs_msg_dds__Image__desc},
  {"CompressedImage", &sensor_msgs_msg_dds__CompressedImage__desc},
};
#define NTYPES (sizeof (TYPES) / sizeof (TYPES[0]))

static void die (const char *what, dds_return_t rc) {
  fprintf (stderr, "%s: %s\n", what, rc < 0 ? dds_strretcode (rc) : "failed");
  exit (2);
}

static const dds_topic_descriptor_t *type_named (const char *name) {
  for (size_t i = 0; i < NTYPES; i++) if (strcmp (TYPES[i].name, name) == 0) return TYPES[i].desc;
  die (name, DDS_RETCODE_BAD_PARAMETER);
  return NULL;
}

static dds_qos_t *qos_reliable (int latched) {
  dds_qos_t *q = dds_create_qos ();
  dds_qset_reliability (q, DDS_RELIABILITY_RELIABLE, DDS_MSECS (100));
  dds_qset_history (q, DDS_HISTORY_KEEP_LAST, 10);
  if (latched) dds_qset_durability (q, DDS_DURABILITY_TRANSIENT_LOCAL);
  return q;
}

static void json_string (const char *s) {
  putchar ('"');
  for (const unsigned char *p = (const unsigned char *) (s ? s : ""); *p; p++) {
    if (*p == '"' || *p == '\\') printf ("\\%c", *p);
    else if (*p < 0x20) printf ("\\u%04x", *p);
    else putchar (*p);
  }
  putchar ('"');
}

static void json_header (const std_msgs_msg_dds__Header_ *h) {
  printf ("{\"sec\":%d,\"nanosec\":%u,\"frame_id\":", h->stamp.sec, h->stamp.nanosec);
  json_string (h->frame_id);
  putchar ('}');
}

static void print_detections (const vision_msgs_msg_dds__Detection2DArray_ *a) {
  printf ("{\"header\":");
  json_header (&a->header);
  printf (",\"detections\":[");
  for (uint32_t i = 0; i < a->detections._length; i++) {
    const vision_msgs_msg_dds__Detection2D_ *d = &a->detections._buffer[i];
    printf ("%s{\"header\":", i ? "," : "");
    json_header (&d->header);
    printf (",\"results\":[");
    for (uint32_t k = 0; k < d->results._length; k++) {
      const vision_msgs_msg_dds__ObjectHypothesisWithPose_ *r = &d->results._buffer[k];
      const geometry_msgs_msg_dds__Pose_ *p = &r->pose.pose;
      printf ("%s{\"class_id\":", k ? "," : "");
      json_string (r->hypothesis.class_id);
      printf (",\"score\":%.17g,\"pose\":[%.17g,%.17g,%.17g,%.17g,%.17g,%.17g,%.17g],\"covariance\":[",
              r->hypothesis.score, p->position.x, p->position.y, p->position.z, p->orientation.x,
              p->orientation.y, p->orientation.z, p->orientation.w);
      for (int c = 0; c < 36; c++) printf ("%s%.17g", c ? "," : "", r->pose.covariance[c]);
      printf ("]}");
    }
    const vision_msgs_msg_dds__BoundingBox2D_ *b = &d->bbox;
    printf ("],\"bbox\":[%.17g,%.17g,%.17g,%.17g,%.17g],\"id\":", b->center.position.x, b->center.position.y,
            b->center.theta, b->size_x, b->size_y);
    json_string (d->id);
    putchar ('}');
  }
  printf ("]}\n");
}

static void print_labels (const vision_msgs_msg_dds__LabelInfo_ *m) {
  printf ("{\"header\":");
  json_header (&m->header);
  printf (",\"class_map\":[");
  for (uint32_t i = 0; i < m->class_map._length; i++) {
    printf ("%s{\"class_id\":%u,\"class_name\":", i ? "," : "", m->class_map._buffer[i].class_id);
    json_string (m->class_map._buffer[i].class_name);
    putchar ('}');
  }
  printf ("],\"threshold\":%.9g}\n", m->threshold);
}

static void describe (void) {
  printf ("{");
  for (size_t i = 0; i < NTYPES; i++) {
    const dds_topic_descriptor_t *d = TYPES[i].desc;
    uint32_t words = dds_stream_countops (d->m_ops, d->m_nkeys, d->m_keys);
    printf ("%s\"%s\":{\"size\":%u,\"align\":%u,\"nops\":%u,\"flagset\":%u,\"ops\":[", i ? "," : "", d->m_typename,
            d->m_size, d->m_align, d->m_nops, d->m_flagset);
    for (uint32_t k = 0; k < words; k++) printf ("%s%u", k ? "," : "", d->m_ops[k]);
    printf ("]}");
  }
  printf ("}\n");
}

static void abi (void) {
  printf ("{\"topic_descriptor_size\":%zu,\"m_size\":%zu,\"m_align\":%zu,\"m_flagset\":%zu,\"m_nkeys\":%zu,"
          "\"m_typename\":%zu,\"m_keys\":%zu,\"m_nops\":%zu,\"m_ops\":%zu,\"m_meta\":%zu,\"type_information_data\":%zu,"
          "\"type_information_sz\":%zu,\"type_mapping_data\":%zu,\"type_mapping_sz\":%zu,"
          "\"restrict_data_representation\":%zu,",
          sizeof (dds_topic_descriptor_t), offsetof (dds_topic_descriptor_t, m_size),
          offsetof (dds_topic_descriptor_t, m_align), offsetof (dds_topic_descriptor_t, m_flagset),
          offsetof (dds_topic_descriptor_t, m_nkeys), offsetof (dds_topic_descriptor_t, m_typename),
          offsetof (dds_topic_descriptor_t, m_keys), offsetof (dds_topic_descriptor_t, m_nops),
          offsetof (dds_topic_descriptor_t, m_ops), offsetof (dds_topic_descriptor_t, m_meta),
          offsetof (dds_topic_descriptor_t, type_information.data), offsetof (dds_topic_descriptor_t, type_information.sz),
          offsetof (dds_topic_descriptor_t, type_mapping.data), offsetof (dds_topic_descriptor_t, type_mapping.sz),
          offsetof (dds_topic_descriptor_t, restrict_data_representation));
  printf ("\"sample_info_size\":%zu,\"sample_info_valid_data\":%zu,\"serdata_type\":%zu,\"iovec_size\":%zu,"
          "\"iov_len\":%zu,\"incompatible_qos_status_size\":%zu,\"incompatible_qos_total_count_change\":%zu,"
          "\"incompatible_qos_last_policy_id\":%zu,\"matched_status_size\":%zu,\"matched_current_count\":%zu,"
          "\"sdk_data\":%d,\"reliable\":%d,\"best_effort\":%d,\"transient_local\":%d,\"keep_all\":%d,"
          "\"data_available\":%u,\"requested_incompatible_qos\":%u,\"offered_incompatible_qos\":%u,"
          "\"publication_matched\":%u,\"subscription_matched\":%u,\"sample_lost\":%u}\n",
          sizeof (dds_sample_info_t), offsetof (dds_sample_info_t, valid_data), offsetof (struct ddsi_serdata, type),
          sizeof (ddsrt_iovec_t), offsetof (ddsrt_iovec_t, iov_len), sizeof (dds_requested_incompatible_qos_status_t),
          offsetof (dds_requested_incompatible_qos_status_t, total_count_change),
          offsetof (dds_requested_incompatible_qos_status_t, last_policy_id),
          sizeof (dds_publication_matched_status_t), offsetof (dds_publication_matched_status_t, current_count),
          (int) SDK_DATA, (int) DDS_RELIABILITY_RELIABLE, (int) DDS_RELIABILITY_BEST_EFFORT,
          (int) DDS_DURABILITY_TRANSIENT_LOCAL, (int) DDS_HISTORY_KEEP_ALL, DDS_DATA_AVAILABLE_STATUS,
          DDS_REQUESTED_INCOMPATIBLE_QOS_STATUS, DDS_OFFERED_INCOMPATIBLE_QOS_STATUS, DDS_PUBLICATION_MATCHED_STATUS,
          DDS_SUBSCRIPTION_MATCHED_STATUS, DDS_SAMPLE_LOST_STATUS);
}

static dds_entity_t participant (const char *domain) {
  dds_entity_t pp = dds_create_participant ((dds_domainid_t) atoi (domain), NULL, NULL);
  if (pp < 0) die ("dds_create_participant", pp);
  return pp;
}

static dds_entity_t topic (dds_entity_t pp, const dds_topic_descriptor_t *desc, const char *name) {
  dds_entity_t tp = dds_create_topic (pp, desc, name, NULL, NULL);
  if (tp < 0) die ("dds_create_topic", tp);
  return tp;
}

/* Waits for a data sample on rd (or the timeout); returns the number taken into *sample (0 or 1). */
static int take_one (dds_entity_t ws, dds_entity_t rd, void **sample, dds_duration_t timeout) {
  dds_sample_info_t info;
  for (;;) {
    int n = dds_take (rd, sample, &info, 1, 1);
    if (n < 0) die ("dds_take", n);
    if (n == 1 && info.valid_data) return 1;
    if (n == 1) { dds_return_loan (rd, sample, n); continue; }
    if (dds_waitset_wait (ws, NULL, 0, timeout) <= 0) return 0;
  }
}

static dds_entity_t reader_with_waitset (dds_entity_t pp, dds_entity_t tp, int latched, dds_entity_t *ws) {
  dds_qos_t *q = qos_reliable (latched);
  dds_entity_t rd = dds_create_reader (pp, tp, q, NULL);
  dds_delete_qos (q);
  if (rd < 0) die ("dds_create_reader", rd);
  *ws = dds_create_waitset (pp);
  dds_entity_t rc = dds_create_readcondition (rd, DDS_ANY_STATE);
  dds_waitset_attach (*ws, rc, rd);
  return rd;
}

static void wait_matched (dds_entity_t wr) {
  dds_publication_matched_status_t st = {0};
  for (int i = 0; i < 1000 && st.current_count == 0; i++) {
    dds_get_publication_matched_status (wr, &st);
    if (st.current_count == 0) dds_sleepfor (DDS_MSECS (10));
  }
  if (st.current_count == 0) die ("no reader matched within 10 s", DDS_RETCODE_TIMEOUT);
}

static void echo (const char *domain, const char *type, const char *in, const char *out) {
  dds_entity_t pp = participant (domain), ws;
  const dds_topic_descriptor_t *desc = type_named (type);
  dds_entity_t rd = reader_with_waitset (pp, topic (pp, desc, in), 0, &ws);
  dds_qos_t *q = qos_reliable (0);
  dds_entity_t wr = dds_create_writer (pp, topic (pp, desc, out), q, NULL);
  dds_delete_qos (q);
  if (wr < 0) die ("dds_create_writer", wr);
  wait_matched (wr); /* so that the echo cannot go out before the test's reader is known */
  printf ("READY\n");
  fflush (stdout);
  for (;;) {
    void *sample = NULL;
    if (!take_one (ws, rd, &sample, DDS_SECS (30))) break;
    dds_return_t rc = dds_write (wr, sample);
    dds_return_loan (rd, &sample, 1);
    if (rc < 0) die ("dds_write", rc);
    printf ("ECHO\n");
    fflush (stdout);
  }
}

static void dump (const char *domain, const char *type, const char *name, int n, int latched) {
  dds_entity_t pp = participant (domain), ws;
  dds_entity_t rd = reader_with_waitset (pp, topic (pp, type_named (type), name), latched, &ws);
  printf ("READY\n");
  fflush (stdout);
  for (int i = 0; i < n; i++) {
    void *sample = NULL;
    if (!take_one (ws, rd, &sample, DDS_SECS (30))) die ("no sample within 30 s", DDS_RETCODE_TIMEOUT);
    if (strcmp (type, "LabelInfo") == 0) print_labels (sample); else print_detections (sample);
    fflush (stdout);
    dds_return_loan (rd, &sample, 1);
  }
}

static dds_entity_t matched_writer (const char *domain, const dds_topic_descriptor_t *desc, const char *name) {
  dds_entity_t pp = participant (domain);
  dds_qos_t *q = qos_reliable (0);
  dds_entity_t wr = dds_create_writer (pp, topic (pp, desc, name), q, NULL);
  dds_delete_qos (q);
  if (wr < 0) die ("dds_create_writer", wr);
  wait_matched (wr);
  printf ("MATCHED\n");
  fflush (stdout);
  return wr;
}

static void publish (dds_entity_t wr, const void *sample, int n) {
  for (int i = 0; i < n; i++) {
    dds_return_t rc = dds_write (wr, sample);
    if (rc < 0) die ("dds_write", rc);
    dds_sleepfor (DDS_MSECS (20));
  }
  /* a reliable reader that matched this writer late asks again: stay until every matched reader has acked */
  (void) dds_wait_for_acks (wr, DDS_SECS (10));
  printf ("DONE\n");
  fflush (stdout);
}

static int64_t now_ns (void) {
  struct timespec t;
  clock_gettime (CLOCK_MONOTONIC, &t);
  return (int64_t) t.tv_sec * 1000000000 + t.tv_nsec;
}

static int cmp_i64 (const void *a, const void *b) {
  int64_t x = *(const int64_t *) a, y = *(const int64_t *) b;
  return (x > y) - (x < y);
}

static void bench (const char *domain, const char *name) {
  dds_entity_t pp = participant (domain), ws;
  dds_entity_t tp = topic (pp, &vision_msgs_msg_dds__Detection2DArray__desc, name);
  dds_qos_t *q = qos_reliable (0);
  dds_qset_history (q, DDS_HISTORY_KEEP_ALL, 0);
  dds_entity_t rd = dds_create_reader (pp, tp, q, NULL);
  dds_delete_qos (q);
  if (rd < 0) die ("dds_create_reader", rd);
  ws = dds_create_waitset (pp);
  dds_waitset_attach (ws, dds_create_readcondition (rd, DDS_ANY_STATE), rd);
  printf ("READY\n");
  fflush (stdout);
  size_t cap = 1 << 20, paced = 0;
  int64_t *lat = malloc (cap * sizeof (*lat)), first = 0, last = 0;
  long burst = 0, dets = 0;
  for (;;) {
    void *sample = NULL;
    if (!take_one (ws, rd, &sample, DDS_SECS (60))) die ("benchmark stalled", DDS_RETCODE_TIMEOUT);
    int64_t t = now_ns ();
    const vision_msgs_msg_dds__Detection2DArray_ *m = sample;
    const char *kind = m->header.frame_id;
    if (strcmp (kind, "burst") == 0) {
      if (burst++ == 0) first = t;
      last = t;
      dets += (long) m->detections._length;
    } else if (strcmp (kind, "burst_end") == 0) {
      printf ("{\"burst_received\":%ld,\"burst_seconds\":%.6f,\"detections\":%ld}\n", burst,
              (double) (last - first) / 1e9, dets);
      fflush (stdout);
    } else if (strcmp (kind, "paced") == 0 && paced < cap) {
      lat[paced++] = t - ((int64_t) m->header.stamp.sec * 1000000000 + m->header.stamp.nanosec);
    } else if (strcmp (kind, "end") == 0) {
      dds_return_loan (rd, &sample, 1);
      break;
    }
    dds_return_loan (rd, &sample, 1);
  }
  qsort (lat, paced, sizeof (*lat), cmp_i64);
  printf ("{\"paced_received\":%zu,\"p50_us\":%.1f,\"p99_us\":%.1f,\"max_us\":%.1f}\n", paced,
          paced ? lat[paced / 2] / 1e3 : 0.0, paced ? lat[(paced * 99) / 100] / 1e3 : 0.0,
          paced ? lat[paced - 1] / 1e3 : 0.0);
  fflush (stdout);
  free (lat);
}

static std_msgs_msg_dds__Header_ header (void) {
  std_msgs_msg_dds__Header_ h = {.stamp = {.sec = 1700000000, .nanosec = 123456789}, .frame_id = "cam"};
  return h;
}

int main (int argc, char **argv) {
  if (argc >= 2 && strcmp (argv[1], "describe") == 0) { describe (); return 0; }
  if (argc >= 2 && strcmp (argv[1], "abi") == 0) { abi (); return 0; }
  if (argc == 4 && strcmp (argv[1], "bench") == 0) { bench (argv[2], argv[3]); return 0; }
  if (argc == 6 && strcmp (argv[1], "echo") == 0) { echo (argv[2], argv[3], argv[4], argv[5]); return 0; }
  if ((argc == 6 || argc == 7) && strcmp (argv[1], "dump") == 0) {
    dump (argv[2], argv[3], argv[4], atoi (argv[5]), argc == 7);
    return 0;
  }
  if (argc == 10 && strcmp (argv[1], "pub-image") == 0) {
    sensor_msgs_msg_dds__Image_ m = {.header = header (), .height = (uint32_t) atol (argv[5]),
        .width = (uint32_t) atol (argv[4]), .encoding = argv[6], .is_bigendian = 0,
        .step = (uint32_t) atol (argv[7])};
    uint32_t len = (uint32_t) atol (argv[8]);
    m.data._buffer = malloc (len ? len : 1);
    m.data._length = m.data._maximum = len;
    for (uint32_t i = 0; i < len; i++) m.data._buffer[i] = (uint8_t) ((i * 7u + 3u) & 0xffu);
    publish (matched_writer (argv[2], &sensor_msgs_msg_dds__Image__desc, argv[3]), &m, atoi (argv[9]));
    return 0;
  }
  if (argc == 7 && strcmp (argv[1], "pub-compressed") == 0) {
    FILE *f = fopen (argv[5], "rb");
    if (f == NULL) die (argv[5], DDS_RETCODE_BAD_PARAMETER);
    sensor_msgs_msg_dds__CompressedImage_ m = {.header = header (), .format = argv[4]};
    fseek (f, 0, SEEK_END);
    long len = ftell (f);
    fseek (f, 0, SEEK_SET);
    m.data._buffer = malloc ((size_t) len + 1);
    m.data._length = m.data._maximum = (uint32_t) fread (m.data._buffer, 1, (size_t) len, f);
    fclose (f);
    publish (matched_writer (argv[2], &sensor_msgs_msg_dds__CompressedImage__desc, argv[3]), &m, atoi (argv[6]));
    return 0;
  }
  if (argc == 6 && strcmp (argv[1], "pub-string") == 0) {
    std_msgs_msg_dds__String_ m = {.data = argv[4]};
    publish (matched_writer (argv[2], &std_msgs_msg_dds__String__desc, argv[3]), &m, atoi (argv[5]));
    return 0;
  }
  fprintf (stderr, "usage: see the comment at the top of cyclone_peer.c\n");
  return 1;
}
