"""A few lines of Python doing what the Mizan kernel does, against any Mizan server.

Usage: mizan_client.py BASE_URL [dialect]   (dialect: mizan | izana; default mizan)
Prints one JSON object describing what it saw, for the TypeScript test to check.
"""
import json
import sys
import urllib.error
import urllib.request
from http.cookiejar import CookieJar
from urllib.parse import unquote, urlencode


def main() -> int:
    base = sys.argv[1].rstrip("/")
    dialect = sys.argv[2] if len(sys.argv) > 2 else "mizan"
    header = "X-Izana-Invalidate" if dialect == "izana" else "X-Mizan-Invalidate"
    jar = CookieJar()
    opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(jar))

    def send(method, path, payload=None, csrf=None):
        data = json.dumps(payload).encode() if payload is not None else None
        req = urllib.request.Request(base + path, data=data, method=method)
        req.add_header("Content-Type", "application/json")
        if csrf:
            req.add_header("X-CSRFToken", csrf)
        try:
            with opener.open(req) as res:
                return res.status, dict(res.headers), json.loads(res.read() or b"null")
        except urllib.error.HTTPError as err:
            return err.code, dict(err.headers), json.loads(err.read() or b"null")

    def parse_invalidate(value):
        entries = []
        for part in filter(None, (p.strip() for p in (value or "").split(","))):
            name, *pairs = part.split(";")
            params = dict((unquote(k), unquote(v)) for k, v in (p.split("=", 1) for p in pairs))
            entries.append({"context": name, "params": params} if params else name)
        return entries

    seen = {}
    status, _, body = send("GET", "/session/")
    token = body["csrfToken"]
    seen["session"] = {"status": status, "has_cookie": any(c.name == "csrftoken" for c in jar)}
    seen["echo"] = send("POST", "/call/", {"fn": "echo", "args": {"text": "from python"}}, token)[2]
    seen["no_csrf"] = send("POST", "/call/", {"fn": "echo", "args": {"text": "x"}})[0]
    seen["ctx"] = send("GET", "/ctx/user/?" + urlencode({"user_id": 2, "limit": 1}))[2]
    status, headers, body = send("POST", "/call/", {"fn": "update_profile", "args": {"user_id": 2, "name": "Py"}}, token)
    seen["mutation"] = {"status": status, "body": body, "header": parse_invalidate(headers.get(header))}
    seen["after"] = send("GET", "/ctx/user/?user_id=2")[2]
    seen["merge"] = send("POST", "/call/", {"fn": "rename_user", "args": {"user_id": 3, "name": "Merged"}}, token)[2]
    status, _, body = send("POST", "/call/", {"fn": "add", "args": {"a": "x"}}, token)
    seen["error"] = {"status": status, "body": body}
    json.dump(seen, sys.stdout)
    return 0


if __name__ == "__main__":
    sys.exit(main())
