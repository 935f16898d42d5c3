#!/usr/bin/env python3
"""A stand-in reconciler for the footprint benchmark: answers every report with 204 (nothing to do), holding
an idle report for its wait=S (at most HOLD seconds), as the real one does, and appends the wall-clock time of
every report to LOG. Usage: fake-reconciler.py PORTFILE LOG [HOLD]"""
import http.server
import socketserver
import sys
import time
import urllib.parse

port_file, log = sys.argv[1], sys.argv[2]
hold = float(sys.argv[3]) if len(sys.argv) > 3 else 5.0


class Handler(http.server.BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"

    def do_POST(self):
        self.rfile.read(int(self.headers.get("Content-Length", "0")))
        with open(log, "a") as f:
            f.write("%.6f %s\n" % (time.time(), self.path))
        query = urllib.parse.parse_qs(urllib.parse.urlparse(self.path).query)
        time.sleep(min(hold, float(query.get("wait", ["0"])[0])))
        self.send_response(204)
        self.end_headers()

    def log_message(self, *args):
        pass


class Server(socketserver.ThreadingMixIn, http.server.HTTPServer):
    daemon_threads = True


server = Server(("127.0.0.1", 0), Handler)
with open(port_file + ".tmp", "w") as f:
    f.write(str(server.server_address[1]))
import os
os.rename(port_file + ".tmp", port_file)
server.serve_forever()
