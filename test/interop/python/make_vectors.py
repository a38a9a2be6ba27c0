"""Cross-language vectors computed with the package's own functions.

Writes test/interop/vectors/{cache-keys,mwt,invalidate-header,registration-errors}.json.
"""
from __future__ import annotations

import base64
import hashlib
import hmac
import json
import os
import sys
import tempfile
from pathlib import Path
from unittest import mock

HERE = Path(__file__).resolve().parent
OUT = HERE.parent / "vectors"
sys.path.insert(0, str(HERE))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "fixture_project.settings")
os.environ.setdefault("FIXTURE_DB", str(Path(tempfile.gettempdir()) / "izana-interop-vectors.sqlite3"))

import django  # noqa: E402

django.setup()

from izana_core.cache.keys import CONTEXT_KEY_PREFIX, derive_cache_key  # noqa: E402
from izana_core.mwt import compute_permission_key, create_mwt, decode_mwt  # noqa: E402
from izana.client.executor import _format_invalidate_header  # noqa: E402


def dump(name: str, data) -> None:
    OUT.mkdir(parents=True, exist_ok=True)
    (OUT / name).write_text(json.dumps(data, indent=2, sort_keys=True, ensure_ascii=False) + "\n", encoding="utf-8")


def b64json(part: str):
    return json.loads(base64.urlsafe_b64decode(part + "=" * (-len(part) % 4)))


# ─── cache keys ─────────────────────────────────────────────────────────────

SECRET = "interop-cache-secret-0123456789abcdef"
CACHE_INPUTS = [
    ("global", {}, None, 0, "public, no params"),
    ("global", {}, "1", 0, "user-scoped, no params"),
    ("global", {}, "1", 2, "rev 2 (max rev over the context members)"),
    ("user", {"user_id": "1"}, None, 0, "query-string value (always a str on HTTP)"),
    ("user", {"user_id": 1}, None, 0, "int 1 -> '1' (same key as the string)"),
    ("user", {"user_id": "1", "limit": "2"}, "3", 0, "two params, sorted by name"),
    ("user", {"limit": "2", "user_id": "1"}, "3", 0, "insertion order does not matter"),
    ("flags", {"a": True, "b": False, "c": None}, None, 0, "True/False/None -> 'true'/'false'/'null'"),
    ("flags", {"a": "True"}, None, 0, "the string 'True' differs from True"),
    ("nums", {"f": 1.5, "g": 2.0, "h": 1e20, "i": -0, "j": 10**20}, None, 0, "str() of floats/ints (2.0, 1e+20)"),
    ("search", {"q": "caf\u00e9"}, None, 0, "non-ASCII value: json.dumps escapes to \\u00e9 (ensure_ascii)"),
    ("search", {"q": "\u65e5\u672c", "page": "1"}, "2", 1, "CJK + user + rev"),
    ("search", {"q": "\U0001F600"}, None, 0, "astral char -> surrogate pair escape"),
    ("search", {"q": 'quote " back \\ slash / tab\t'}, None, 0, "JSON escapes in values"),
    ("caf\u00e9", {}, None, 0, "non-ASCII context name (prefix keeps it raw)"),
    ("user", {"Z": "1", "a": "2", "_": "3"}, None, 0, "key order is code-point order"),
    ("user", {"user_id": "1"}, "uuid-like-0f8e", 0, "string user id"),
    ("empty", {"x": ""}, None, 0, "empty string value"),
]


def cache_vectors():
    rows = []
    for context, params, user_id, rev, note in CACHE_INPUTS:
        key = derive_cache_key(SECRET, context, params, user_id=user_id, rev=rev)
        norm = {k: ("true" if v is True else "false" if v is False else "null" if v is None else str(v))
                for k, v in sorted(params.items())}
        data = {"c": context, "p": norm, "r": rev}
        if user_id is not None:
            data["u"] = str(user_id)
        message = json.dumps(data, sort_keys=True, separators=(",", ":"))
        digest = hmac.new(SECRET.encode(), message.encode(), hashlib.sha256).hexdigest()
        assert key == f"{CONTEXT_KEY_PREFIX}{context}:{digest}", (context, params)
        rows.append({
            "note": note,
            "secret": SECRET,
            "context": context,
            "params": {k: v for k, v in params.items()},
            "params_python_repr": repr(params),
            "user_id": user_id,
            "rev": rev,
            "message": message,
            "key": key,
            "redis_key": "izana:" + key,
        })
    dump("cache-keys.json", {
        "about": "derive_cache_key(secret, context, params, user_id, rev) from izana_core 0.3.0; "
                 "message is the exact UTF-8 string that is HMAC-SHA256'd with the secret; "
                 "redis_key adds RedisCache's default prefix 'izana:'. Floats/ints are listed with "
                 "params_python_repr because JSON cannot show 2.0 vs 2.",
        "vectors": rows,
    })


# ─── MWT ────────────────────────────────────────────────────────────────────

MWT_SECRET = "interop-mwt-secret-0123456789abcdef"
T0 = 1700000000


class FakeUser:
    def __init__(self, pk, staff, superuser, perms):
        self.pk = pk
        self.is_staff = staff
        self.is_superuser = superuser
        self._perms = perms

    def get_all_permissions(self):
        return set(self._perms)


class BareUser:
    """No get_all_permissions (e.g. an MWTUser re-issuing)."""

    def __init__(self, pk, staff, superuser):
        self.pk = pk
        self.is_staff = staff
        self.is_superuser = superuser


USERS = [
    ("alice", FakeUser(1, False, False, [])),
    ("sam", FakeUser(2, True, False, ["blog.change_post", "blog.add_post", "auth.view_user"])),
    ("root", FakeUser(3, True, True, ["auth.add_user", "auth.change_user"])),
    ("uuid-user", FakeUser("0f8e2c1a-uuid", False, False, ["caf\u00e9.view"])),
    ("bare-no-perms-api", BareUser(7, True, False)),
]


def mwt_vectors():
    tokens = []
    for name, user in USERS:
        for kwargs in ({}, {"ttl": 3600, "audience": "mizan", "kid": "k2"}):
            with mock.patch("time.time", return_value=float(T0) + 0.75):
                token = create_mwt(user, MWT_SECRET, **kwargs)
            h, p, s = token.split(".")
            perms = sorted(user.get_all_permissions()) if hasattr(user, "get_all_permissions") else []
            blob = f"{'1' if user.is_staff else '0'}:{'1' if user.is_superuser else '0'}:{','.join(perms)}"
            tokens.append({
                "user": name,
                "user_pk": user.pk,
                "permissions": perms,
                "secret": MWT_SECRET,
                "now": T0 + 0.75,
                "create_kwargs": kwargs,
                "token": token,
                "header": b64json(h),
                "header_b64_json": base64.urlsafe_b64decode(h + "=" * (-len(h) % 4)).decode(),
                "payload": b64json(p),
                "payload_b64_json": base64.urlsafe_b64decode(p + "=" * (-len(p) % 4)).decode(),
                "pkey_blob": blob,
                "pkey": compute_permission_key(user),
            })
    # A long-lived token (exp 2100-01-01) verifies with the real clock; the
    # verdicts below come from decode_mwt itself.
    with mock.patch("time.time", return_value=float(T0)):
        long_lived = create_mwt(USERS[2][1], MWT_SECRET, ttl=4102444800 - T0)
        expired = create_mwt(USERS[0][1], MWT_SECRET)
    decoded = decode_mwt(long_lived, MWT_SECRET)
    verdicts = {
        "long_lived_token": long_lived,
        "long_lived_decoded": None if decoded is None else {
            "sub": decoded.sub, "staff": decoded.staff, "super": decoded.super, "pkey": decoded.pkey,
            "kid": decoded.kid, "aud": decoded.aud, "iat": decoded.iat, "exp": decoded.exp},
        "long_lived_wrong_audience_mizan": decode_mwt(long_lived, MWT_SECRET, audience="mizan") is not None,
        "long_lived_wrong_secret": decode_mwt(long_lived, "x" * 32) is not None,
        "expired_token": expired,
        "expired_accepted": decode_mwt(expired, MWT_SECRET) is not None,
    }
    dump("mwt.json", {
        "about": "create_mwt / decode_mwt / compute_permission_key from izana_core 0.3.0 with time.time frozen; "
                 "HS256 via PyJWT (compact JSON, header keys alg,kid,typ as PyJWT orders them). "
                 "pkey = sha256_hex('<staff 0|1>:<super 0|1>:<sorted perms joined by ,>').",
        "defaults": {"ttl": 300, "audience": "izana", "kid": "v1", "alg": "HS256",
                     "ttl_setting": "IZANA_MWT_TTL", "secret_setting": "IZANA_MWT_SECRET",
                     "request_header": "X-Izana-Token"},
        "tokens": tokens,
        "decode": verdicts,
        "pkey_only": [
            {"blob": "0:0:", "pkey": hashlib.sha256(b"0:0:").hexdigest()},
            {"blob": "1:1:", "pkey": hashlib.sha256(b"1:1:").hexdigest()},
        ],
    })


# ─── X-Izana-Invalidate ─────────────────────────────────────────────────────

INVALIDATE_INPUTS = [
    (["user"], "broad"),
    (["user", "global"], "two broad entries, declaration order kept"),
    ([{"context": "user", "params": {"user_id": 1}}], "scoped, int value"),
    ([{"context": "user", "params": {"user_id": "1"}}], "scoped, string value (same header)"),
    ([{"context": "user", "params": {"user_id": 3}}, "global"], "scoped + broad"),
    ([{"context": "search", "params": {"q": "caf\u00e9 & co/\u65e5;=,", "page": 2}}], "percent-encoding + sorted params"),
    ([{"context": "s", "params": {"b": "x y", "a": "~-._*'()!"}}], "quote(safe='') keeps only A-Za-z0-9_.-~"),
    ([{"context": "s", "params": {"flag": True, "none": None, "f": 1.5}}], "str() of True/None/float (Python spellings!)"),
    ([{"context": "s", "params": {"k\u00e9y": "v"}}], "param names are percent-encoded too"),
    ([{"context": "s", "params": {}}], "empty params -> bare context name"),
    ([{"context": "caf\u00e9", "params": {"a": "1"}}], "context name is NOT encoded"),
    ([{"context": "s", "params": {"B": "1", "a": "2", "_": "3"}}], "params sorted by code point"),
    ([{"context": "s", "params": {"emoji": "\U0001F600"}}], "astral char -> 4 UTF-8 bytes"),
]


def invalidate_vectors():
    rows = []
    for entries, note in INVALIDATE_INPUTS:
        rows.append({"note": note, "invalidate": entries, "entries_python_repr": repr(entries),
                     "header": _format_invalidate_header(entries)})
    dump("invalidate-header.json", {
        "about": "izana.client.executor._format_invalidate_header from django-izana 1.1.0: entries joined by ', '; "
                 "scoped entry = context + ';' + 'k=v' pairs joined by ';', pairs sorted by key, "
                 "k and v = urllib.parse.quote(str(x), safe='').",
        "vectors": rows,
    })


from pydantic import BaseModel  # noqa: E402


class Out(BaseModel):
    x: int


# ─── registration errors (what the decorator refuses) ───────────────────────


def registration_errors():
    from izana.client import client

    def some_reader(request) -> Out:
        return Out(x=1)

    reader_fn = client(context="user")(some_reader)

    attempts = []

    def attempt(label, thunk):
        try:
            thunk()
            attempts.append({"case": label, "raises": None})
        except Exception as e:  # noqa: BLE001
            attempts.append({"case": label, "raises": type(e).__name__, "message": str(e)})

    def mutation(request) -> Out:
        return Out(x=1)

    def untyped(request):
        return 1

    attempt("affects=<@client function reference>", lambda: client(affects=reader_fn)(mutation))
    attempt("affects=[<@client function reference>]", lambda: client(affects=[reader_fn])(mutation))
    attempt("affects=123", lambda: client(affects=123)(mutation))
    attempt("context= and affects= together", lambda: client(context="user", affects="user")(mutation))
    attempt("context= and merge= together", lambda: client(context="user", merge="user")(mutation))
    attempt("auth='admin'", lambda: client(auth="admin")(mutation))
    attempt("no return annotation", lambda: client(untyped))
    attempt("context=''", lambda: client(context="")(mutation))
    dump("registration-errors.json", {
        "about": "@client(...) decoration-time errors in izana-core 0.3.0 (nothing here is registered).",
        "attempts": attempts,
    })


if __name__ == "__main__":
    cache_vectors()
    mwt_vectors()
    invalidate_vectors()
    registration_errors()
    print(f"vectors written to {OUT}")
