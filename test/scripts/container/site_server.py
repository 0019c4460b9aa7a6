#!/usr/bin/env python3
"""The fixture site for scripts/container-test.sh: serves test/site on 127.0.0.1 with a recorder
sink. HTML pages get <meta name="footfall-recorder-sink" content="/__recorder"> right after
<head>, so test/site/recorder.js POSTs every mousedown it sees (with a per-tab id) to
/__recorder; each one is appended, as a JSON line, to the sink file. Writes the bound port to
--port-file once it listens. Standard library only."""
import argparse
import http.server
import io
import json
import os
import threading

SINK = "/__recorder"
META = b'<head><meta name="footfall-recorder-sink" content="' + SINK.encode() + b'">'


def make_handler(root, sink_path, lock):
    class Handler(http.server.SimpleHTTPRequestHandler):
        def __init__(self, *a, **kw):
            super().__init__(*a, directory=root, **kw)

        def log_message(self, *a):  # quiet: the test prints its own summary
            pass

        def do_POST(self):
            if self.path != SINK:
                self.send_error(404)
                return
            body = self.rfile.read(int(self.headers.get("Content-Length", 0)))
            try:
                record = json.loads(body)
            except ValueError:
                self.send_error(400)
                return
            with lock, open(sink_path, "a") as f:
                f.write(json.dumps(record) + "\n")
            self.send_response(204)
            self.end_headers()

        def send_head(self):
            path = self.translate_path(self.path)
            if not path.endswith(".html") or not os.path.isfile(path):
                return super().send_head()
            with open(path, "rb") as f:
                page = f.read().replace(b"<head>", META, 1)
            self.send_response(200)
            self.send_header("Content-Type", "text/html; charset=utf-8")
            self.send_header("Content-Length", str(len(page)))
            self.end_headers()
            return io.BytesIO(page)

    return Handler


def main():
    p = argparse.ArgumentParser()
    p.add_argument("--root", required=True)
    p.add_argument("--sink", required=True, help="JSON-lines file of the recorder's reports")
    p.add_argument("--port-file", required=True)
    a = p.parse_args()
    lock = threading.Lock()
    srv = http.server.ThreadingHTTPServer(("127.0.0.1", 0),
                                          make_handler(a.root, a.sink, lock))
    with open(a.port_file + ".tmp", "w") as f:
        f.write(str(srv.server_address[1]))
    os.replace(a.port_file + ".tmp", a.port_file)
    srv.serve_forever()


if __name__ == "__main__":
    main()
