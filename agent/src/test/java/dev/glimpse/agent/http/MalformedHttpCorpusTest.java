package dev.glimpse.agent.http;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import com.fasterxml.jackson.databind.JsonNode;
import dev.glimpse.agent.runtime.AgentRuntime.StreamInfo;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.net.URLEncoder;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;

/**
 * A seeded corpus of malformed requests, sent over raw TCP to a real agent (smoke model, one simulated stream):
 * broken and mistyped JSON, wrong content types and methods, oversized headers and bodies, invalid UTF-8, path
 * traversal and local paths as stream URLs, absurd query strings, and request lines that are not HTTP at all.
 * Each must get a 4xx answer (an RFC 9457 problem where the API itself answers) or, for bytes that are not HTTP, a
 * 4xx or a closed connection; never a 5xx, never a hang. Afterwards the agent still answers, has added no stream
 * and its stream still processes frames.
 */
class MalformedHttpCorpusTest {
  private static final long SEED = 0x68747470L;
  private static final int READ_TIMEOUT_MS = 10_000;
  private static final String GOOD_STREAM = "{\"id\": \"extra1\", \"url\": \"sim://seed=1&size=32x32&frames=10\"}";
  static TestAgent agent;

  @BeforeAll
  static void start() throws Exception {
    agent = new TestAgent("  max_body_bytes: 2KiB\n", null, TestAgent.sim("cam1", 2));
    TestAgent.await("a first frame on cam1", Duration.ofSeconds(60), () -> agent.runtime.store().frame("cam1") != null);
  }

  @AfterAll
  static void stop() throws Exception {
    if (agent != null) agent.close();
  }

  /** What a request must get. */
  enum Expect {
    /** The API answers: 4xx, {@code application/problem+json} with the same status. */
    PROBLEM,
    /** The HTTP layer answers: any 4xx (a problem if the body is one). */
    CLIENT_ERROR,
    /** Not HTTP, or incomplete: a 4xx, or the connection closed without an answer. */
    REJECTED,
    /**
     * An HTTP version the server does not speak: Vert.x answers 501 and closes before any handler of ours runs. RFC
     * 9110 would have 505; either is a server status, the one exception to "never 5xx" in this corpus.
     */
    UNSUPPORTED_VERSION
  }

  /** One request: raw bytes, what it must get, and whether to half-close after sending (incomplete requests). */
  record Req(String name, byte[] bytes, Expect expect, int status, boolean halfClose) {}

  /** What came back: the status (0 when the connection closed without a response), headers and body. */
  record Reply(int status, Map<String, String> headers, byte[] body, String raw) {}

  // ---- building requests

  static byte[] http(String method, String target, Map<String, String> headers, byte[] body) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    StringBuilder head = new StringBuilder(method).append(' ').append(target).append(" HTTP/1.1\r\n");
    head.append("Host: 127.0.0.1\r\n");
    headers.forEach((k, v) -> head.append(k).append(": ").append(v).append("\r\n"));
    if (body != null && !headers.containsKey("Content-Length") && !headers.containsKey("Transfer-Encoding")) {
      head.append("Content-Length: ").append(body.length).append("\r\n");
    }
    head.append("Connection: close\r\n\r\n");
    out.writeBytes(head.toString().getBytes(StandardCharsets.ISO_8859_1));
    if (body != null) out.writeBytes(body);
    return out.toByteArray();
  }

  static Req post(String name, String path, String contentType, byte[] body, Expect expect, int status) {
    Map<String, String> h = new LinkedHashMap<>();
    if (contentType != null) h.put("Content-Type", contentType);
    return new Req(name, http("POST", path, h, body), expect, status, false);
  }

  static Req postJson(String name, String path, String json, int status) {
    return post(name, path, "application/json", json.getBytes(StandardCharsets.UTF_8), Expect.PROBLEM, status);
  }

  static Req get(String name, String target, Expect expect, int status) {
    return new Req(name, http("GET", target, Map.of(), null), expect, status, false);
  }

  static Req raw(String name, byte[] bytes) {
    return new Req(name, bytes, Expect.REJECTED, 0, true);
  }

  static Req raw(String name, String text) {
    return raw(name, text.getBytes(StandardCharsets.ISO_8859_1));
  }

  static boolean isJson(String s) {
    try {
      TestAgent.JSON.readTree(s);
      return true;
    } catch (IOException e) {
      return false;
    }
  }

  /** {@code valid} damaged by one seeded edit until it no longer parses as JSON. */
  static String breakJson(String valid, SplittableRandom rng) {
    String junk = "{}[]\",:\\'tfn0.-eE \u0000\n";
    for (int tries = 0; ; tries++) {
      StringBuilder s = new StringBuilder(valid);
      int at = rng.nextInt(s.length());
      switch (rng.nextInt(5)) {
        case 0 -> s.setLength(at);                                         // truncated
        case 1 -> s.deleteCharAt(at);
        case 2 -> s.insert(at, junk.charAt(rng.nextInt(junk.length())));
        case 3 -> s.setCharAt(at, junk.charAt(rng.nextInt(junk.length())));
        default -> s.append(junk.charAt(rng.nextInt(junk.length())));      // trailing garbage
      }
      if (!isJson(s.toString()) && !s.toString().isBlank()) return s.toString();
      if (tries > 100) throw new IllegalStateException("cannot break " + valid);
    }
  }

  static List<Req> corpus() {
    SplittableRandom rng = new SplittableRandom(SEED);
    List<Req> c = new ArrayList<>();
    String streams = "/api/streams", query = "/api/streams/cam1/query";

    // broken JSON bodies
    String[] validStreams = {GOOD_STREAM, "{\"id\": \"x1\", \"url\": \"rtsp://cam.local/1\", \"mailbox\": {\"policy\": \"all\","
        + " \"capacity\": 4}, \"loop\": false}", "{\"id\": \"x2\", \"url\": \"sim://seed=3\", \"frame_id\": \"x2_optical\"}"};
    for (int i = 0; i < 24; i++) {
      c.add(postJson("broken stream JSON " + i, streams, breakJson(validStreams[i % validStreams.length], rng), 400));
    }
    String[] validQueries = {"{\"text\": \"box all objects\"}", "{\"text\": \"point to all person\"}", "{\"text\": \"count cone\"}"};
    for (int i = 0; i < 24; i++) {
      c.add(postJson("broken query JSON " + i, query, breakJson(validQueries[i % validQueries.length], rng), 400));
    }
    for (String body : new String[] {"", " ", "\r\n", "null", "[]", "[1, 2]", "\"a string\"", "42", "true", "{}{}",
        "{\"id\": \"a\"} trailing"}) {
      c.add(postJson("not an object: " + body.strip(), streams, body, 400));
      c.add(postJson("query not an object: " + body.strip(), query, body, 400));
    }

    // wrong content types, each with a body that would be accepted as JSON
    for (String type : new String[] {null, "text/plain", "text/plain; charset=utf-8", "application/x-www-form-urlencoded",
        "multipart/form-data; boundary=xyz", "application/xml", "application/jsonp", "image/jpeg", "*/*", "application"}) {
      c.add(post("content type " + type, streams, type, GOOD_STREAM.getBytes(StandardCharsets.UTF_8), Expect.PROBLEM, 415));
      c.add(post("query content type " + type, query, type, validQueries[0].getBytes(StandardCharsets.UTF_8),
          Expect.PROBLEM, 415));
    }

    // huge and malformed headers
    c.add(new Req("one 64 KiB header", http("GET", "/api/health", Map.of("X-Pad", "a".repeat(64 << 10)), null),
        Expect.CLIENT_ERROR, 0, true));
    Map<String, String> many = new LinkedHashMap<>();
    for (int i = 0; i < 400; i++) many.put("X-Header-" + i, "v".repeat(40));
    c.add(new Req("400 headers", http("GET", "/api/health", many, null), Expect.CLIENT_ERROR, 0, true));
    c.add(new Req("64 KiB cookie", http("GET", "/api/streams", Map.of("Cookie", "s=" + "c".repeat(64 << 10)), null),
        Expect.CLIENT_ERROR, 0, true));
    c.add(raw("header without colon", "GET /api/health HTTP/1.1\r\nHost: x\r\nNoColonHere\r\nConnection: close\r\n\r\n"));
    c.add(raw("header name with spaces", "GET /api/health HTTP/1.1\r\nHost: x\r\nBad Name: 1\r\nConnection: close\r\n\r\n"));
    c.add(raw("header with NUL", "GET /api/health HTTP/1.1\r\nHost: x\r\nX-A: a\u0000b\r\nConnection: close\r\n\r\n"));
    c.add(raw("bare LF and CR", "GET /api/health HTTP/1.1\rHost: x\r\r\n"));

    // oversized bodies (max_body_bytes is 2 KiB)
    String pad = "{\"id\": \"x\", \"url\": \"sim://seed=1\", \"pad\": \"" + "a".repeat(4096) + "\"}";
    c.add(postJson("4 KiB stream body", streams, pad, 413));
    c.add(postJson("4 KiB query body", query, "{\"text\": \"" + "box all objects ".repeat(300) + "\"}", 413));
    c.add(postJson("64 KiB body", streams, "[" + "1,".repeat(32 << 10) + "1]", 413));
    c.add(new Req("content length of a petabyte", http("POST", streams, Map.of("Content-Type", "application/json",
        "Content-Length", "1000000000000000"), "{}".getBytes(StandardCharsets.UTF_8)), Expect.CLIENT_ERROR, 413, true));
    ByteArrayOutputStream chunked = new ByteArrayOutputStream();
    for (int i = 0; i < 8; i++) chunked.writeBytes(("400\r\n" + "b".repeat(1024) + "\r\n").getBytes(StandardCharsets.US_ASCII));
    chunked.writeBytes("0\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
    c.add(new Req("8 KiB chunked body", http("POST", streams, Map.of("Content-Type", "application/json",
        "Transfer-Encoding", "chunked"), chunked.toByteArray()), Expect.PROBLEM, 413, false));
    c.add(raw("content length larger than the body", "POST /api/streams HTTP/1.1\r\nHost: x\r\nContent-Type: "
        + "application/json\r\nContent-Length: 900\r\nConnection: close\r\n\r\n{\"id\": \"x\"}"));
    c.add(raw("negative content length", "POST /api/streams HTTP/1.1\r\nHost: x\r\nContent-Length: -5\r\n\r\n{}"));
    c.add(raw("content length not a number", "POST /api/streams HTTP/1.1\r\nHost: x\r\nContent-Length: lots\r\n\r\n{}"));
    c.add(raw("two content lengths", "POST /api/streams HTTP/1.1\r\nHost: x\r\nContent-Length: 2\r\nContent-Length: 7\r\n\r\n{}"));
    c.add(raw("content length and chunked", "POST /api/streams HTTP/1.1\r\nHost: x\r\nContent-Length: 4\r\n"
        + "Transfer-Encoding: chunked\r\n\r\n0\r\n\r\n"));
    c.add(raw("bad chunk size", "POST /api/streams HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\nZZ\r\n{}\r\n0\r\n\r\n"));

    // invalid UTF-8 in bodies and paths
    byte[][] badUtf8 = {{(byte) 0xFF}, {(byte) 0xC3, 0x28}, {(byte) 0xE2, (byte) 0x82}, {(byte) 0xF0, (byte) 0x28, (byte) 0x8C,
        (byte) 0x28}, {(byte) 0xC0, (byte) 0xAF}, {(byte) 0xED, (byte) 0xA0, (byte) 0x80}};
    for (int i = 0; i < badUtf8.length; i++) {
      c.add(post("invalid UTF-8 in frame_id " + i, streams, "application/json", concat(
          "{\"id\": \"u8x\", \"url\": \"sim://seed=1&frames=10\", \"frame_id\": \"a", badUtf8[i], "\"}"), Expect.PROBLEM, 400));
      c.add(post("invalid UTF-8 in query " + i, query, "application/json", concat("{\"text\": \"box all ", badUtf8[i], "\"}"),
          Expect.PROBLEM, 400));
    }
    c.add(get("percent-encoded invalid UTF-8 in a stream id", "/api/streams/%FF%FE", Expect.CLIENT_ERROR, 0));
    c.add(get("overlong slash in a stream id", "/api/streams/%C0%AF", Expect.CLIENT_ERROR, 0));
    c.add(new Req("raw invalid UTF-8 in the path", concat("GET /api/streams/", new byte[] {(byte) 0xFF, (byte) 0xC3},
        " HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n"), Expect.REJECTED, 0, true));

    // wrong methods
    String[][] methods = {{"PUT", "/api/health"}, {"POST", "/api/health"}, {"DELETE", "/api/health"}, {"PATCH", "/api/streams"},
        {"PUT", "/api/streams"}, {"DELETE", "/api/streams"}, {"PUT", "/api/streams/cam1"}, {"PATCH", "/api/streams/cam1"},
        {"POST", "/api/streams/cam1"}, {"GET", "/api/streams/cam1/query"}, {"DELETE", "/api/streams/cam1/query"},
        {"POST", "/api/streams/cam1/tracks"}, {"PUT", "/api/streams/cam1/frame.jpg"}, {"POST", "/api/events"},
        {"POST", "/metrics"}, {"DELETE", "/"}, {"TRACE", "/api/health"}, {"PROPFIND", "/api/streams"},
        {"BREW", "/api/health"}, {"CONNECT", "/api/health"}, {"get", "/api/health"}};
    for (String[] m : methods) {
      c.add(new Req(m[0] + " " + m[1], http(m[0], m[1], Map.of(), null), Expect.CLIENT_ERROR, 0, false));
    }

    // path traversal and local paths
    for (String path : new String[] {"/../../../../etc/passwd", "/api/../../etc/passwd", "/%2e%2e/%2e%2e/etc/passwd",
        "/api/%2e%2e/%2e%2e/etc/passwd", "/api/streams/..%2f..%2f..%2fetc%2fpasswd", "/api/streams/%2e%2e%2f%2e%2e%2fetc",
        "/api/streams/cam1/..%2f..%2f..%2fetc%2fpasswd", "/app.js/../../../etc/passwd", "/..%5c..%5cwindows%5cwin.ini",
        "/api/streams/....//....//etc/passwd", "/%252e%252e/%252e%252e/etc/passwd", "/api/streams/%00",
        "/api/streams/cam1%00.jpg/frame.jpg", "/dashboard/../../../../proc/self/environ", "/api/openapi.json/../../../etc/hosts"}) {
      c.add(get("traversal " + path, path, Expect.CLIENT_ERROR, 0));
    }
    for (String url : new String[] {"file:///etc/passwd", "/etc/passwd", "../../etc/passwd", "..\\\\..\\\\windows\\\\win.ini",
        "file://../secret.mp4", "file://%2e%2e/%2e%2e/etc/passwd", "images:///etc", "images://../../", "v4l2:///dev/sda",
        "v4l2:///dev/../etc/passwd", "~/videos/run.mp4", "C:\\\\videos\\\\run.mp4", "FILE:///etc/shadow",
        "sim://seed=../../etc", "sim://size=../../../x", "jar:file:///etc/passwd!/", "rtsp://", "http:///etc/passwd",
        "gopher://127.0.0.1:6379/_FLUSHALL"}) {
      c.add(postJson("local or bad URL " + url, streams, "{\"id\": \"t1\", \"url\": \"" + url + "\"}", 400));
    }

    // absurd query strings
    c.add(get("a 16 KiB query string", "/api/streams?q=" + "x".repeat(16 << 10), Expect.CLIENT_ERROR, 0));
    for (String q : new String[] {"stream=..%2f..%2fetc%2fpasswd", "stream=%00", "stream=%ZZ", "stream=", "stream=" + "s".repeat(2000),
        "stream=../x&stream=cam1&stream=%FF", "stream=%", "stream=" + URLEncoder.encode("<script>alert(1)</script>", StandardCharsets.UTF_8)}) {
      c.add(get("events ?" + q.substring(0, Math.min(40, q.length())), "/api/events?" + q, Expect.CLIENT_ERROR, 0));
      c.add(get("ws ?" + q.substring(0, Math.min(40, q.length())), "/api/ws?" + q, Expect.CLIENT_ERROR, 0));
    }
    c.add(get("websocket without upgrade headers", "/api/ws", Expect.PROBLEM, 400));
    c.add(new Req("websocket upgrade without a key", http("GET", "/api/ws", Map.of("Upgrade", "websocket", "Connection",
        "Upgrade", "Sec-WebSocket-Version", "13"), null), Expect.CLIENT_ERROR, 400, false));
    c.add(new Req("websocket upgrade of version 99", http("GET", "/api/ws", Map.of("Upgrade", "websocket", "Connection",
        "Upgrade", "Sec-WebSocket-Version", "99", "Sec-WebSocket-Key", "dGhlIHNhbXBsZSBub25jZQ=="), null),
        Expect.CLIENT_ERROR, 0, false));
    // HTTP versions other than 1.0 and 1.1 are answered by Vert.x itself, before the API, with 501 and a close
    for (String version : new String[] {"HTTP/9.9", "HTTP/2.0", "FTP/1.0", "HTTP/1.2"}) {
      c.add(new Req("version " + version, ("GET /api/health " + version + "\r\nHost: x\r\n\r\n")
          .getBytes(StandardCharsets.US_ASCII), Expect.UNSUPPORTED_VERSION, 501, true));
    }

    // missing fields and wrong field types
    for (String body : new String[] {"{}", "{\"id\": \"x\"}", "{\"url\": \"sim://seed=1\"}", "{\"id\": null, \"url\": \"sim://seed=1\"}",
        "{\"id\": 5, \"url\": \"sim://seed=1\"}", "{\"id\": \"x\", \"url\": 5}", "{\"id\": \"x\", \"url\": [\"sim://seed=1\"]}",
        "{\"id\": \"x\", \"url\": {\"scheme\": \"sim\"}}", "{\"id\": [\"x\"], \"url\": \"sim://seed=1\"}",
        "{\"id\": \"x\", \"url\": \"sim://seed=1\", \"loop\": \"yes\"}", "{\"id\": \"x\", \"url\": \"sim://seed=1\", \"loop\": 1}",
        "{\"id\": \"x\", \"url\": \"sim://seed=1\", \"pacing\": 3}", "{\"id\": \"x\", \"url\": \"sim://seed=1\", \"pacing\": \"warp\"}",
        "{\"id\": \"x\", \"url\": \"sim://seed=1\", \"mailbox\": 8}", "{\"id\": \"x\", \"url\": \"sim://seed=1\", \"mailbox\": \"some\"}",
        "{\"id\": \"x\", \"url\": \"sim://seed=1\", \"mailbox\": {\"capacity\": \"8\"}}",
        "{\"id\": \"x\", \"url\": \"sim://seed=1\", \"mailbox\": {\"capacity\": 1e9}}",
        "{\"id\": \"x\", \"url\": \"sim://seed=1\", \"mailbox\": {\"capacity\": -1}}",
        "{\"id\": \"x\", \"url\": \"sim://seed=1\", \"mailbox\": {\"capacity\": 99999999999999999999}}",
        "{\"id\": \"x\", \"url\": \"sim://seed=1\", \"mailbox\": {\"policy\": 1}}",
        "{\"id\": \"x\", \"url\": \"sim://seed=1\", \"transport\": \"udp\"}", "{\"id\": \"x\", \"url\": \"sim://seed=1\", \"transport\": null}",
        "{\"id\": \"x\", \"url\": \"sim://seed=1\", \"frame_id\": \"/abs\"}", "{\"id\": \"x\", \"url\": \"sim://seed=1\", \"frame_id\": 7}",
        "{\"id\": \"x\", \"url\": \"sim://seed=1\", \"width\": 64}", "{\"id\": \"\", \"url\": \"sim://seed=1\"}",
        "{\"id\": \"" + "x".repeat(65) + "\", \"url\": \"sim://seed=1\"}", "{\"id\": \"a b\", \"url\": \"sim://seed=1\"}",
        "{\"id\": \"cam1\", \"url\": \"sim://seed=1\"}", "{\"id\": \"x\", \"url\": \"sim://seed=1&fps=0\"}",
        "{\"id\": \"x\", \"url\": \"sim://seed=1&size=1x1\"}", "{\"id\": \"x\", \"url\": \"sim://frames=0\"}",
        "{\"id\": \"x\", \"url\": \"rtsp://cam:99999/x\"}", "{\"id\": {\"a\": {\"b\": {\"c\": {}}}}, \"url\": \"sim://seed=1\"}",
        "{\"id\": \"x\", \"id\": \"y\", \"url\": \"sim://seed=1\"}"}) {
      c.add(postJson("stream field " + body, streams, body, body.contains("\"cam1\"") ? 409 : 400));
    }
    for (String body : new String[] {"{\"text\": 5}", "{\"text\": null}", "{\"text\": [\"box all objects\"]}",
        "{\"text\": {\"q\": \"box\"}}", "{\"txt\": \"box all objects\"}", "{\"text\": \"\"}", "{\"text\": \"   \"}",
        "{\"text\": true}"}) {
      c.add(postJson("query field " + body, query, body, 400));
    }
    c.add(postJson("query on an unknown stream", "/api/streams/nope/query", validQueries[0], 404));
    c.add(postJson("query on a traversal stream", "/api/streams/..%2fcam1/query", validQueries[0], 404));

    // request lines that are not HTTP
    for (String s : new String[] {"\r\n\r\n\r\n", "GET\r\n\r\n", "GET /\r\n\r\n", "/ GET HTTP/1.1\r\n\r\n", "GET  /api/health  HTTP/1.1\r\n\r\n", "HELLO\r\n",
        "SSH-2.0-OpenSSH_9.6\r\n", "EHLO mail.example.com\r\n", "* OK IMAP4rev1\r\n", "{\"jsonrpc\": \"2.0\"}\n",
        "G" + "E".repeat(10_000) + "T / HTTP/1.1\r\n\r\n", "GET /" + "a".repeat(20_000) + " HTTP/1.1\r\n\r\n",
        "GET /api/health HTTP/1.1\r\nHost: x\r\n", "GET /api/health HTTP/1.1",
        "GET /api/health HTTP/1.1\u0000\r\n\r\n", "\u0000\u0000\u0000\u0000"}) {
      c.add(raw("not HTTP: " + s.substring(0, Math.min(24, s.length())).replace("\r", "\\r").replace("\n", "\\n"), s));
    }
    c.add(raw("TLS client hello", new byte[] {0x16, 0x03, 0x01, 0x00, (byte) 0xA5, 0x01, 0x00, 0x00, (byte) 0xA1, 0x03, 0x03}));

    // seeded random bytes, and seeded damage to a request the API must refuse anyway (a local file)
    for (int i = 0; i < 30; i++) c.add(raw("random bytes " + i, random(rng, 1 + rng.nextInt(3000))));
    byte[] refused = http("POST", streams, Map.of("Content-Type", "application/json"),
        "{\"id\": \"m1\", \"url\": \"file:///etc/passwd\"}".getBytes(StandardCharsets.UTF_8));
    for (int i = 0; i < 30; i++) {
      byte[] m = refused.clone();
      for (int k = 0, n = 1 + rng.nextInt(4); k < n; k++) m[rng.nextInt(m.length)] = (byte) rng.nextInt(256);
      c.add(raw("damaged request " + i, m));
    }
    return c;
  }

  static byte[] concat(Object... parts) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    for (Object p : parts) out.writeBytes(p instanceof byte[] b ? b : p.toString().getBytes(StandardCharsets.UTF_8));
    return out.toByteArray();
  }

  static byte[] random(SplittableRandom rng, int n) {
    byte[] b = new byte[n];
    for (int i = 0; i < n; i++) b[i] = (byte) rng.nextInt(256);
    return b;
  }

  // ---- sending

  static Reply send(Req r) throws IOException {
    try (Socket s = new Socket()) {
      s.connect(new InetSocketAddress("127.0.0.1", agent.api.port()), 5_000);
      s.setSoTimeout(READ_TIMEOUT_MS);
      OutputStream out = s.getOutputStream();
      try {
        out.write(r.bytes());
        out.flush();
        if (r.halfClose()) s.shutdownOutput();
      } catch (IOException e) {
        // The server may answer and close before it has read everything (an oversized header): read what it sent.
      }
      return read(s.getInputStream());
    }
  }

  /** Everything until the server closes; a reset counts as a close. Fails on a read timeout: a hang. */
  static Reply read(InputStream in) throws IOException {
    ByteArrayOutputStream all = new ByteArrayOutputStream();
    byte[] buf = new byte[8192];
    try {
      for (int n; (n = in.read(buf)) >= 0; ) all.write(buf, 0, n);
    } catch (SocketTimeoutException e) {
      throw new AssertionError("no answer and no close within " + READ_TIMEOUT_MS + " ms; got so far: "
          + all.toString(StandardCharsets.ISO_8859_1));
    } catch (java.net.SocketException e) {
      // connection reset: a close
    }
    byte[] bytes = all.toByteArray();
    String text = new String(bytes, StandardCharsets.ISO_8859_1);
    if (bytes.length == 0) return new Reply(0, Map.of(), bytes, "");
    int headEnd = text.indexOf("\r\n\r\n");
    // An HTTP/1 response, or the status line Vert.x echoes with an unsupported version ("FTP/1.0 501 ...")
    if (!text.matches("(?s)[A-Z]+/\\d\\.\\d \\d{3}[ \r].*") || headEnd < 0) return new Reply(-1, Map.of(), bytes, text);
    String[] lines = text.substring(0, headEnd).split("\r\n");
    int status = Integer.parseInt(lines[0].split(" ")[1]);
    Map<String, String> headers = new LinkedHashMap<>();
    for (int i = 1; i < lines.length; i++) {
      int colon = lines[i].indexOf(':');
      if (colon > 0) headers.put(lines[i].substring(0, colon).strip().toLowerCase(Locale.ROOT), lines[i].substring(colon + 1).strip());
    }
    byte[] body = Arrays.copyOfRange(bytes, headEnd + 4, bytes.length);
    if ("chunked".equalsIgnoreCase(headers.get("transfer-encoding"))) body = dechunk(body);
    return new Reply(status, headers, body, text);
  }

  static byte[] dechunk(byte[] b) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    int at = 0;
    while (at < b.length) {
      int eol = indexOf(b, at);
      if (eol < 0) break;
      int size = Integer.parseInt(new String(b, at, eol - at, StandardCharsets.US_ASCII).split(";")[0].strip(), 16);
      if (size == 0) break;
      out.write(b, eol + 2, Math.min(size, b.length - eol - 2));
      at = eol + 2 + size + 2;
    }
    return out.toByteArray();
  }

  private static int indexOf(byte[] b, int from) {
    for (int i = from; i + 1 < b.length; i++) if (b[i] == '\r' && b[i + 1] == '\n') return i;
    return -1;
  }

  // ---- the test

  @TestFactory
  Stream<DynamicTest> everyMalformedRequestGetsAClientErrorOrAClose() {
    List<Req> corpus = corpus();
    assertTrue(corpus.size() >= 200, "corpus size " + corpus.size());
    return corpus.stream().map(r -> DynamicTest.dynamicTest(r.name(), () -> check(r)));
  }

  private static void check(Req r) throws Exception {
    Reply reply = send(r);
    String what = r.name() + " got:\n" + reply.raw().substring(0, Math.min(600, reply.raw().length()));
    if (r.expect() == Expect.REJECTED && reply.status() == 0) return;           // closed without an answer
    assertTrue(reply.status() > 0, "an HTTP response or a close, not other bytes: " + what);
    assertTrue(r.expect() == Expect.UNSUPPORTED_VERSION || reply.raw().startsWith("HTTP/1."), what);
    if (r.expect() == Expect.UNSUPPORTED_VERSION) {
      assertEquals(r.status(), reply.status(), what);
      return;
    }
    assertTrue(reply.status() >= 400 && reply.status() < 500, "a client error: " + what);
    if (r.status() != 0) assertEquals(r.status(), reply.status(), what);
    String type = reply.headers().getOrDefault("content-type", "");
    if (r.expect() == Expect.PROBLEM) assertEquals(Problems.CONTENT_TYPE, type, what);
    if (type.equals(Problems.CONTENT_TYPE)) {
      JsonNode p = TestAgent.JSON.readTree(reply.body());
      assertEquals(reply.status(), p.get("status").asInt(), what);
      assertTrue(p.get("type").asText().startsWith("urn:glimpse:problem:") || p.get("type").asText().equals("about:blank"), what);
      assertFalse(p.get("detail").asText().isBlank(), what);
      assertFalse(p.get("detail").asText().startsWith("internal error"), what);
    }
    String body = new String(reply.body(), StandardCharsets.ISO_8859_1);
    assertFalse(body.contains("root:") || body.contains("PATH="), "nothing of a local file leaks: " + what);
  }

  @Test
  void corpusIsReproducible() {
    List<Req> a = corpus(), b = corpus();
    assertEquals(a.size(), b.size());
    for (int i = 0; i < a.size(); i++) {
      assertEquals(a.get(i).name(), b.get(i).name());
      assertTrue(Arrays.equals(a.get(i).bytes(), b.get(i).bytes()), a.get(i).name());
    }
  }

  /** Runs the whole corpus, then checks the agent: healthy, no stream added, its stream still processing. */
  @Test
  void theAgentSurvivesTheWholeCorpus() throws Exception {
    for (Req r : corpus()) send(r);
    HttpResponse<String> health = agent.get("/api/health");
    assertEquals(200, health.statusCode(), health.body());
    assertEquals("ok", TestAgent.json(health).get("status").asText());
    assertEquals(List.of("cam1"), agent.runtime.streams().stream().map(StreamInfo::id).toList(), "nothing was added");
    long before = processed();
    CountDownLatch frames = new CountDownLatch(3);
    Runnable unsubscribe = agent.runtime.store().subscribe(e -> {
      if (e.stream().equals("cam1") && e.frame() != null) frames.countDown();
    });
    try {
      assertTrue(frames.await(60, TimeUnit.SECONDS), "cam1 goes on producing frames");
    } finally {
      unsubscribe.run();
    }
    long after = processed();
    assertTrue(after > before, "processed grows: " + before + " -> " + after);
    assertEquals(0, TestAgent.json(agent.get("/api/streams/cam1")).get("failed").asLong(), "no frame failed");
  }

  private static long processed() throws Exception {
    HttpResponse<String> r = agent.get("/api/streams/cam1");
    if (r.statusCode() != 200) fail(r.body());
    return TestAgent.json(r).get("processed").asLong();
  }
}
