#!/usr/bin/python3
# An OTLP/HTTP metrics receiver for the tests (OtlpReceiver.cs starts it): decodes each POST /v1/metrics with
# OTLP's official generated classes and prints it as one JSON line. Run as PYTHONPATH=<dist-packages> ./otlp_receiver.py
# [--require-header 'Name: value'] [--tls CHAIN.pem KEY.pem]: a collector's key check (its bearertokenauth or
# headers_setter), which answers 401 without the header; and HTTPS, as a collector on another host is reached.
#
# The generated classes are Debian trixie's python3-opentelemetry-proto (OTLP 1.5.0), unpacked by .ci/run
# into /var/cache/apphost-tests/otel-proto and used with this machine's python3-protobuf (3.21, the same
# protobuf trixie generated them with). Debian has no OpenTelemetry Collector, and its Prometheus lacks the
# OTLP receiver, so this is the collector's side of the wire, made of the protocol's own definitions.
#
# The interface is stdout, one line each, flushed as written:
#   first line     the port it listens on (127.0.0.1, chosen by the system, so tests never collide)
#   a request      the request as protobuf's canonical JSON (json_format.MessageToJson, one line)
#   "ERROR " ...   a request refused, with its status and why (stderr: only libprotobuf's notes and tracebacks)
# It runs until killed: the test owns its lifetime and kills it on dispose. It also ends when its stdin
# closes, so a test process that dies without disposing it leaves no receiver holding a port.

import argparse
import gzip
import ssl
import sys
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import urlsplit

try:
    from google.protobuf import json_format
    from opentelemetry.proto.collector.metrics.v1.metrics_service_pb2 import (
        ExportMetricsServiceRequest,
        ExportMetricsServiceResponse,
    )
except ImportError as missing:
    sys.exit(f"otlp_receiver: {missing}; run .ci/run, which installs python3-protobuf and unpacks "
             "python3-opentelemetry-proto into /var/cache/apphost-tests/otel-proto (PYTHONPATH points into it)")

PROTOBUF = "application/x-protobuf"
JSON = "application/json"

# Handler threads print concurrently; one line must never be split by another.
_output = threading.Lock()


def emit(line):
    with _output:
        sys.stdout.write(line + "\n")
        sys.stdout.flush()


def unknown_fields(message, path="request"):
    """Fields the OTLP definitions do not have, anywhere in the message, as 'path: field N wire type W'.

    A collector keeps them for forward compatibility; this receiver refuses them, as json_format.Parse
    refuses unknown JSON names. Our encoder is hand-written, so an unknown field is most likely our mistake:
    a wrong field number, or a known field sent with the wrong wire type (protobuf parses it as unknown).
    """
    for field in message.UnknownFields():
        yield f"{path}: field {field.field_number} wire type {field.wire_type}"
    for descriptor, value in message.ListFields():
        if descriptor.message_type is None:
            continue
        if descriptor.label == descriptor.LABEL_REPEATED:
            for index, item in enumerate(value):
                yield from unknown_fields(item, f"{path}.{descriptor.name}[{index}]")
        else:
            yield from unknown_fields(value, f"{path}.{descriptor.name}")


class Receiver(BaseHTTPRequestHandler):
    # HTTP/1.1 keeps the connection open between pushes, as an exporter's client expects.
    protocol_version = "HTTP/1.1"

    # --require-header's (name, value), or None.
    required = None

    def do_POST(self):
        if urlsplit(self.path).path != "/v1/metrics":
            return self.refuse(404, f"no such path {self.path!r}; OTLP metrics go to /v1/metrics")
        if self.required and self.headers.get_all(self.required[0]) != [self.required[1]]:
            # The value is a key: named, never printed.
            return self.refuse(401, f"no {self.required[0]} header with the key, or another value")
        media_type = self.headers.get("Content-Type", "").split(";")[0].strip().lower()
        if media_type not in (PROTOBUF, JSON):
            return self.refuse(415, f"Content-Type {self.headers.get('Content-Type')!r}; OTLP/HTTP is {PROTOBUF} or {JSON}")
        encoding = self.headers.get("Content-Encoding", "identity").strip().lower()
        if encoding not in ("identity", "gzip"):
            return self.refuse(415, f"Content-Encoding {encoding!r}; OTLP/HTTP allows gzip or none")
        try:
            body = self.read_body()
            if encoding == "gzip":
                body = gzip.decompress(body)
        except (ValueError, OSError, EOFError) as error:
            return self.refuse(400, f"unreadable body: {error}")

        try:
            if media_type == PROTOBUF:
                request = ExportMetricsServiceRequest.FromString(body)
            else:
                # proto3's JSON mapping, which OTLP/JSON follows but for trace and span ids (hex there, base64
                # here): no metric field has them, and an exemplar's would parse to other bytes, not fail.
                request = json_format.Parse(body, ExportMetricsServiceRequest())
        except Exception as error:  # DecodeError, ParseError, UnicodeDecodeError: whatever it is, the bytes were no request
            return self.refuse(400, f"not an ExportMetricsServiceRequest in {media_type}: {type(error).__name__}: {error}")
        unknown = list(unknown_fields(request))
        if unknown:
            return self.refuse(400, f"fields OTLP does not define: {'; '.join(unknown)}")

        # Printed before the reply is sent, so a test that has the reply finds the line already in the pipe.
        emit(json_format.MessageToJson(request, indent=None))
        response = ExportMetricsServiceResponse()
        reply = response.SerializeToString() if media_type == PROTOBUF else json_format.MessageToJson(response, indent=None).encode()
        self.send_response(200)
        self.send_header("Content-Type", media_type)
        self.send_header("Content-Length", str(len(reply)))
        self.end_headers()
        self.wfile.write(reply)

    def refuse_method(self):
        if urlsplit(self.path).path != "/v1/metrics":
            return self.refuse(404, f"no such path {self.path!r}; OTLP metrics go to /v1/metrics")
        self.refuse(405, f"method {self.command}; OTLP/HTTP sends POST", allow="POST")

    do_GET = do_HEAD = do_PUT = do_PATCH = do_DELETE = do_OPTIONS = refuse_method

    def read_body(self):
        """The request's body, by Content-Length or chunked (a client streaming what it serializes has no length)."""
        if "chunked" in self.headers.get("Transfer-Encoding", "").lower():
            chunks = []
            while True:
                size = int(self.rfile.readline().split(b";")[0], 16)
                if size == 0:
                    # Trailers, if any, up to the empty line that ends the request.
                    while self.rfile.readline().strip():
                        pass
                    return b"".join(chunks)
                chunks.append(self.rfile.read(size))
                if self.rfile.readline().strip():
                    raise ValueError("chunk longer than its size")
        length = int(self.headers.get("Content-Length", "0"))
        if length < 0:
            raise ValueError(f"Content-Length {length}")
        body = self.rfile.read(length)
        if len(body) != length:
            raise ValueError(f"Content-Length {length}, but the connection closed after {len(body)} bytes")
        return body

    def refuse(self, status, reason, allow=None):
        # One line, however the decoder worded it.
        emit(f"ERROR {status} {' '.join(reason.split())}")
        body = (reason + "\n").encode()
        self.send_response(status)
        self.send_header("Content-Type", "text/plain; charset=utf-8")
        self.send_header("Content-Length", str(len(body)))
        if allow:
            self.send_header("Allow", allow)
        # The body may be unread: closing is simpler than finding where the next request starts.
        self.send_header("Connection", "close")
        self.close_connection = True
        self.end_headers()
        self.wfile.write(body)

    def log_error(self, format, *args):
        # http.server's own refusals (a malformed request line, a timeout) are errors a test should see too.
        emit(f"ERROR {format % args}")

    def log_message(self, format, *args):
        # No access log: each request is on stdout already.
        pass


def main():
    arguments = argparse.ArgumentParser()
    arguments.add_argument("--require-header", metavar="'NAME: VALUE'")
    arguments.add_argument("--tls", nargs=2, metavar=("CHAIN", "KEY"))
    options = arguments.parse_args()
    if options.require_header:
        name, _, value = options.require_header.partition(":")
        Receiver.required = (name.strip(), value.strip())
    server = ThreadingHTTPServer(("127.0.0.1", 0), Receiver)
    if options.tls:
        context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
        context.load_cert_chain(*options.tls)
        # Each connection's handshake happens in its handler's thread, on its first read: a client that
        # fails it costs that thread, not the accept loop.
        server.socket = context.wrap_socket(server.socket, server_side=True, do_handshake_on_connect=False)
    # A handler thread may wait on a keep-alive connection; it must not keep the process alive.
    server.daemon_threads = True
    threading.Thread(target=server.serve_forever, daemon=True).start()
    emit(str(server.server_address[1]))
    # Until stdin closes (the test process has gone) or a signal ends the process.
    sys.stdin.buffer.read()


if __name__ == "__main__":
    try:
        main()
    except KeyboardInterrupt:
        pass
