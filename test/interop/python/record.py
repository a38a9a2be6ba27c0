"""Record golden request/response pairs from the real Izana (Django) server.

Starts daphne (HTTP + WebSocket) on 127.0.0.1:<free port> against a fresh
sqlite database and a flushed Redis db, replays a fixed script of requests
over real HTTP, and writes test/interop/golden/<case>.json (+ ws-*.json).
Run via test/interop/record.sh.
"""
from __future__ import annotations

import http.client
import json
import os
import re
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from unittest import mock
from urllib.parse import urlencode

HERE = Path(__file__).resolve().parent
INTEROP = HERE.parent
GOLDEN = INTEROP / "golden"
GOLDEN_IR = INTEROP / "golden-ir"
VENV_BIN = Path(sys.executable).parent
PREFIX = "/api/izana"
REDIS_URL = os.environ.get("FIXTURE_REDIS_URL", "redis://127.0.0.1:6379/15")

# Fixed credentials (see fixture_app/management/commands/seed_fixture.py)
CSRF_SECRET = "InteropCsrfSecret0123456789abcde"  # 32 chars, the cookie value form
SESSIONS = {
    "alice": "interopsessionalice000000000000a",
    "sam": "interopsessionsam00000000000000s",
    "root": "interopsessionroot0000000000000r",
}
T0 = 1700000000  # fixed "now" used to mint tokens
EXP_FAR = 4102444800  # 2100-01-01T00:00:00Z

sys.path.insert(0, str(HERE))


# ─── token minting (package functions, frozen clock) ────────────────────────


def django_boot(db_path: str) -> None:
    os.environ["DJANGO_SETTINGS_MODULE"] = "fixture_project.settings"
    os.environ["FIXTURE_DB"] = db_path
    import django

    django.setup()


def mint_tokens() -> dict[str, str]:
    import jwt
    from django.conf import settings
    from django.contrib.auth import get_user_model
    from izana_core.mwt import create_mwt

    User = get_user_model()
    users = {u.username: u for u in User.objects.all()}
    out: dict[str, str] = {}
    with mock.patch("time.time", return_value=float(T0)):
        for name, user in users.items():
            out[f"mwt:{name}"] = create_mwt(user, settings.IZANA_MWT_SECRET, ttl=EXP_FAR - T0)
        out["mwt:expired"] = create_mwt(users["alice"], settings.IZANA_MWT_SECRET, ttl=300)
        out["mwt:wrong-secret"] = create_mwt(users["alice"], "not-the-fixture-mwt-secret-0123456789", ttl=EXP_FAR - T0)
        out["mwt:wrong-aud"] = create_mwt(users["alice"], settings.IZANA_MWT_SECRET, ttl=EXP_FAR - T0, audience="mizan")
        out["mwt:unknown-kid"] = create_mwt(users["alice"], settings.IZANA_MWT_SECRET, ttl=EXP_FAR - T0, kid="v9")
    # Legacy access JWT, same claim layout as izana.jwt.tokens.create_access_token
    out["jwt:alice"] = jwt.encode(
        {"sub": "1", "sid": SESSIONS["alice"], "staff": False, "super": False,
         "type": "access", "iat": T0, "exp": EXP_FAR},
        settings.JWT_PRIVATE_KEY, algorithm="HS256",
    )
    return out


# ─── server lifecycle ───────────────────────────────────────────────────────


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def flush_redis() -> None:
    import redis

    redis.from_url(REDIS_URL).flushdb()


class Server:
    def __init__(self, db_path: str, variant: str):
        self.port = free_port()
        env = dict(os.environ, FIXTURE_DB=db_path, FIXTURE_VARIANT=variant,
                   DJANGO_SETTINGS_MODULE="fixture_project.settings", PYTHONHASHSEED="0")
        self.log = open(Path(db_path).with_suffix(f".{variant}.log"), "wb")
        self.proc = subprocess.Popen(
            [str(VENV_BIN / "daphne"), "-b", "127.0.0.1", "-p", str(self.port),
             "fixture_project.asgi:application"],
            cwd=HERE, env=env, stdout=self.log, stderr=subprocess.STDOUT,
        )
        deadline = time.time() + 30
        while time.time() < deadline:
            if self.proc.poll() is not None:
                raise RuntimeError(f"server exited early, see {self.log.name}")
            try:
                with socket.create_connection(("127.0.0.1", self.port), timeout=0.5):
                    return
            except OSError:
                time.sleep(0.1)
        raise RuntimeError("server not ready")

    def stop(self) -> None:
        self.proc.send_signal(signal.SIGTERM)
        try:
            self.proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            self.proc.wait()
        self.log.close()


# ─── HTTP cases ─────────────────────────────────────────────────────────────

KEEP_HEADERS = ("content-type", "cache-control", "vary", "location", "allow", "x-fixture")


def build_request(spec: dict, tokens: dict[str, str]) -> tuple[dict, dict]:
    """Returns (recorded request, wire headers)."""
    headers: dict[str, str] = {}
    cookies: list[str] = []
    auth = spec.get("auth")
    if spec.get("csrf"):
        cookies.append(f"csrftoken={CSRF_SECRET}")
        headers["X-CSRFToken"] = CSRF_SECRET
    for k, v in spec.get("cookies", {}).items():
        cookies.append(f"{k}={v}")
    if auth:
        if auth.get("via") == "session":
            cookies.append(f"sessionid={SESSIONS[auth['user']]}")
        elif auth.get("via") == "mwt":
            headers["X-Izana-Token"] = tokens[f"mwt:{auth['user']}"]
        elif auth.get("via") == "bearer":
            headers["Authorization"] = "Bearer " + tokens[f"jwt:{auth['user']}"]
        elif auth.get("via") == "bearer-mwt":
            headers["Authorization"] = "Bearer " + tokens[f"mwt:{auth['user']}"]
        elif "token" in auth:
            kind = auth["token"]
            headers["X-Izana-Token"] = "not-a-jwt" if kind == "invalid" else tokens[f"mwt:{kind}"]
        elif "bearer" in auth:
            headers["Authorization"] = "Bearer not-a-jwt"
    for k, v in spec.get("headers", {}).items():
        headers[k] = v
    if cookies:
        headers["Cookie"] = "; ".join(cookies)
    body = spec.get("body")
    if body is None and "json" in spec:
        body = json.dumps(spec["json"], separators=(",", ":"), ensure_ascii=False)
    if body is not None and not any(k.lower() == "content-type" for k in headers):
        headers["Content-Type"] = "application/json"
    query = spec.get("query", {})
    recorded = {
        "method": spec["method"],
        "path": spec["path"],
        "query": query,
        "headers": {k.lower(): v for k, v in sorted(headers.items(), key=lambda kv: kv[0].lower())},
        "body": body,
    }
    return recorded, headers


SCRUB_PATTERNS = [
    # (json key, tag)
    ("csrfToken", "csrf"),
    ("token", "mwt"),
    ("access_token", "jwt"),
    ("refresh_token", "jwt"),
]


def scrub_body(text: str, scrubbed: list[str]) -> str:
    for key, tag in SCRUB_PATTERNS:
        pat = re.compile(r'("%s": ")([^"]+)(")' % re.escape(key))
        if pat.search(text):
            text = pat.sub(lambda m: m.group(1) + f"<scrubbed:{tag}>" + m.group(3), text)
            scrubbed.append(f"response.body.{key}")
            scrubbed.append(f"response.json.{key}")
    return text


def scrub_cookie(raw: str) -> str:
    name, _, rest = raw.partition("=")
    value, sep, attrs = rest.partition(";")
    attrs = re.sub(r"expires=[^;]+", "expires=<scrubbed:date>", attrs)
    return f"{name}=<scrubbed:cookie>{sep}{attrs}"


def run_http(port: int, spec: dict, tokens: dict[str, str]) -> dict:
    recorded, headers = build_request(spec, tokens)
    url = PREFIX + spec["path"] if not spec.get("raw_path") else spec["path"]
    if spec.get("query"):
        url += "?" + urlencode(spec["query"])
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=15)
    body = recorded["body"]
    conn.request(spec["method"], url, body=body.encode("utf-8") if body is not None else None, headers=headers)
    resp = conn.getresponse()
    raw = resp.read()
    conn.close()
    scrubbed: list[str] = []
    out_headers: dict = {}
    for k, v in resp.getheaders():
        lk = k.lower()
        if lk in KEEP_HEADERS or lk.startswith("x-izana-"):
            out_headers[lk] = v
    set_cookies = [v for k, v in resp.getheaders() if k.lower() == "set-cookie"]
    if set_cookies:
        out_headers["set-cookie-names"] = sorted(c.split("=", 1)[0] for c in set_cookies)
        out_headers["set-cookie-scrubbed"] = sorted(scrub_cookie(c) for c in set_cookies)
        scrubbed.append("response.headers.set-cookie")
    text = raw.decode("utf-8", errors="replace")
    ctype = out_headers.get("content-type", "")
    parsed = None
    if ctype.startswith("application/json"):
        text = scrub_body(text, scrubbed)
        parsed = json.loads(text)
    html_text = None
    if ctype.startswith("text/html"):
        # The human-readable reason (e.g. Django's CSRF failure reason) sits
        # past the first 200 chars; keep the <h1>/<p> texts.
        bits = re.findall(r"<(h1|p)[^>]*>(.*?)</\1>", text, flags=re.S)
        html_text = [re.sub(r"<[^>]+>|\s+", " ", b[1]).strip() for b in bits][:4]
        if len(text) > 200:
            text = text[:200] + f"...<truncated: html body of {len(raw)} bytes>"
            scrubbed.append("response.body(truncated-html)")
    case = {
        "name": spec["name"],
        "description": spec["description"],
        "auth": spec.get("auth"),
        "csrf": bool(spec.get("csrf")),
        "server": spec.get("server", "primary"),
        "scrubbed": sorted(set(scrubbed)),
        "request": recorded,
        "response": {"status": resp.status, "headers": out_headers, "body": text, "json": parsed},
    }
    if html_text is not None:
        case["response"]["html_text"] = html_text
    return case


# ─── WebSocket cases ────────────────────────────────────────────────────────


def run_ws(port: int, spec: dict, tokens: dict[str, str], variant: str = "primary") -> dict:
    from wsclient import ServerClosed, WSClient

    headers = {}
    auth = spec.get("auth")
    path = "/ws/"
    if auth and auth.get("via") == "session":
        headers["Cookie"] = f"sessionid={SESSIONS[auth['user']]}"
    if auth and auth.get("via") == "query-jwt":
        path += "?token=" + tokens[f"jwt:{auth['user']}"]
    if auth and auth.get("via") == "query-mwt":
        path += "?token=" + tokens[f"mwt:{auth['user']}"]
    ws = WSClient("127.0.0.1", port, path, headers=headers)
    frames = []
    try:
        for step in spec["steps"]:
            sent = ws.send_json(step["send"]) if not isinstance(step["send"], str) else (ws.send_text(step["send"]) or step["send"])
            frames.append({"dir": "send", "data": json.loads(sent) if sent.startswith("{") else sent, "text": sent})
            for _ in range(step.get("expect", 1)):
                try:
                    text = ws.recv_text()
                except ServerClosed as closed:
                    frames.append({"dir": "close", "data": {"code": closed.code}})
                    break
                frames.append({"dir": "recv", "data": json.loads(text), "text": text})
            if frames[-1]["dir"] == "close":
                break
    finally:
        ws.close()
    return {
        "name": spec["name"],
        "description": spec["description"],
        "auth": auth,
        "csrf": False,
        "server": variant,
        "scrubbed": [],
        "request": {"path": path, "headers": {k.lower(): v for k, v in headers.items()}},
        "frames": frames,
    }


def write_case(case: dict) -> None:
    path = GOLDEN / f"{case['name']}.json"
    path.write_text(json.dumps(case, indent=2, sort_keys=True, ensure_ascii=False) + "\n", encoding="utf-8")


# ─── main ───────────────────────────────────────────────────────────────────


def main() -> int:
    from cases import HTTP_CASES, ROUND2_CASES, ROUND2_WS_CASES, VARIANT_CASES, WS_CASES

    names = [c["name"] for c in HTTP_CASES + VARIANT_CASES + WS_CASES + ROUND2_CASES + ROUND2_WS_CASES]
    dupes = {n for n in names if names.count(n) > 1}
    if dupes:
        raise SystemExit(f"duplicate case names: {sorted(dupes)}")

    workdir = Path(tempfile.mkdtemp(prefix="izana-interop-"))
    db_path = str(workdir / "fixture.sqlite3")
    env = dict(os.environ, FIXTURE_DB=db_path, DJANGO_SETTINGS_MODULE="fixture_project.settings")
    manage = [sys.executable, str(HERE / "manage.py")]
    subprocess.run(manage + ["migrate", "-v0"], cwd=HERE, env=env, check=True)
    subprocess.run(manage + ["seed_fixture"], cwd=HERE, env=env, check=True, stdout=subprocess.DEVNULL)

    # The KDL IR of the fixture (same registry the server serves).
    ir = subprocess.run(manage + ["export_izana_ir"], cwd=HERE, env=env, check=True,
                        capture_output=True, text=True).stdout
    GOLDEN_IR.mkdir(parents=True, exist_ok=True)
    (GOLDEN_IR / "fixture.kdl").write_text(ir, encoding="utf-8")

    django_boot(db_path)
    tokens = mint_tokens()

    if GOLDEN.exists():
        shutil.rmtree(GOLDEN)
    GOLDEN.mkdir(parents=True)

    count = 0
    ws_cases = {"primary": WS_CASES, "round2": ROUND2_WS_CASES}
    for variant, cases in (("primary", HTTP_CASES), ("stock", VARIANT_CASES), ("round2", ROUND2_CASES)):
        flush_redis()
        server = Server(db_path, variant)
        try:
            for spec in cases:
                spec = dict(spec, server=variant)
                # seq lets a replayer reproduce the recording order: the fixture keeps state.
                write_case(dict(run_http(server.port, spec, tokens), seq=count))
                count += 1
            for spec in ws_cases.get(variant, []):
                write_case(dict(run_ws(server.port, spec, tokens, variant), seq=count))
                count += 1
        finally:
            server.stop()
    flush_redis()
    shutil.rmtree(workdir, ignore_errors=True)
    print(f"recorded {count} golden cases into {GOLDEN}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
