package dev.glimpse.agent.http;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.vertx.core.http.HttpServerResponse;
import io.vertx.ext.web.RoutingContext;

/**
 * RFC 9457 problem details ({@code application/problem+json}): every error the API returns is one of these, with a
 * {@code type} URN naming the kind of problem, the status's {@code title}, the {@code status} and a {@code detail}
 * saying what to change.
 */
final class Problems {
  static final String CONTENT_TYPE = "application/problem+json";

  private Problems() {}

  /** Sends a problem unless the response has already started (then the connection is closed instead). */
  static void send(RoutingContext ctx, int status, String kind, String detail) {
    HttpServerResponse res = ctx.response();
    if (res.headWritten()) {
      if (!res.ended()) res.reset();
      return;
    }
    ObjectNode o = ApiJson.MAPPER.createObjectNode();
    o.put("type", kind == null ? "about:blank" : "urn:glimpse:problem:" + kind);
    o.put("title", HttpResponseStatus.valueOf(status).reasonPhrase());
    o.put("status", status);
    o.put("detail", detail);
    o.put("instance", ctx.request().path());
    res.setStatusCode(status).putHeader("Content-Type", CONTENT_TYPE).putHeader("Cache-Control", "no-store")
        .end(o.toString());
  }
}
