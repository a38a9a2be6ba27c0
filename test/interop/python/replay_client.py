"""Send golden-case requests to a server over real HTTP, from Python, in order.

Reads {"base": "http://127.0.0.1:PORT", "requests": [{name, method, path, headers, body}]}
on stdin and writes [{name, status, headers, body}] on stdout. The TypeScript replay judges
the answers; this side only has to be a non-TypeScript client on the wire.
"""
import http.client
import json
import sys
from urllib.parse import urlsplit


def main() -> int:
    job = json.load(sys.stdin)
    base = urlsplit(job["base"])
    out = []
    conn = http.client.HTTPConnection(base.hostname, base.port, timeout=10)
    for req in job["requests"]:
        body = req["body"].encode("utf-8") if req.get("body") is not None and req["method"] not in ("GET", "HEAD") else None
        conn.request(req["method"], req["path"], body=body, headers=req["headers"])
        res = conn.getresponse()
        raw = res.read()
        headers = {}
        for name, value in res.getheaders():
            headers[name.lower()] = value
        out.append({"name": req["name"], "status": res.status, "headers": headers, "body": raw.decode("utf-8", "replace")})
        if res.getheader("connection", "").lower() == "close":
            conn.close()
            conn = http.client.HTTPConnection(base.hostname, base.port, timeout=10)
    conn.close()
    json.dump(out, sys.stdout)
    return 0


if __name__ == "__main__":
    sys.exit(main())
