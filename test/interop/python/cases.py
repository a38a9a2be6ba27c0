"""The scripted requests the recorder replays, in order (order matters: the
server keeps in-memory state and a Redis cache between cases)."""
from __future__ import annotations

ALICE_S = {"user": "alice", "via": "session"}
SAM_S = {"user": "sam", "via": "session"}
ROOT_S = {"user": "root", "via": "session"}
ALICE_M = {"user": "alice", "via": "mwt"}
SAM_M = {"user": "sam", "via": "mwt"}
ROOT_M = {"user": "root", "via": "mwt"}


def call(name, description, fn=None, args=None, *, auth=None, csrf=True, body=None, no_args=False, **extra):
    spec = {"name": name, "description": description, "method": "POST", "path": "/call/",
            "auth": auth, "csrf": csrf}
    if body is not None:
        spec["body"] = body
    else:
        payload = {"fn": fn}
        if not no_args:
            payload["args"] = args if args is not None else {}
        spec["json"] = payload
    spec.update(extra)
    return spec


def ctx(name, description, context, query=None, *, auth=None, method="GET", csrf=False, **extra):
    spec = {"name": name, "description": description, "method": method,
            "path": f"/ctx/{context}/", "query": query or {}, "auth": auth, "csrf": csrf}
    spec.update(extra)
    return spec


MULTIPART_BOUNDARY = "----interopboundary7MA4YWxk"


def multipart(fields: dict[str, str]) -> str:
    parts = []
    for k, v in fields.items():
        parts.append(f"--{MULTIPART_BOUNDARY}\r\nContent-Disposition: form-data; name=\"{k}\"\r\n\r\n{v}\r\n")
    return "".join(parts) + f"--{MULTIPART_BOUNDARY}--\r\n"


HTTP_CASES = [
    # ── session / CSRF bootstrap ────────────────────────────────────────────
    {"name": "session-get", "description": "GET /session/ without cookies: csrfToken body + csrftoken cookie",
     "method": "GET", "path": "/session/", "auth": None, "csrf": False},
    {"name": "session-get-with-csrf-cookie", "description": "GET /session/ with an existing csrftoken cookie",
     "method": "GET", "path": "/session/", "auth": None, "csrf": True},
    {"name": "session-post", "description": "POST /session/ without CSRF is not rejected (ensure_csrf_cookie never rejects)",
     "method": "POST", "path": "/session/", "auth": None, "csrf": False},
    {"name": "session-get-authenticated", "description": "GET /session/ with alice's session cookie",
     "method": "GET", "path": "/session/", "auth": ALICE_S, "csrf": False},

    # ── plain RPC ───────────────────────────────────────────────────────────
    call("call-echo-ok", "structured (BaseModel) output is returned as-is under result", "echo", {"text": "hi"}),
    call("call-echo-non-ascii", "non-ASCII output is \\u-escaped by JsonResponse (ensure_ascii)", "echo",
         {"text": "caf\u00e9 \u65e5\u672c \u2028 \U0001F600"}),
    call("call-add-ok", "primitive output int is wrapped: {result: {result: 3}}", "add", {"a": 1, "b": 2}),
    call("call-add-string-coerced", "pydantic lax mode coerces numeric strings", "add", {"a": "2", "b": 3}),
    call("call-add-wrong-type", "non-numeric string for int -> 422 fields map", "add", {"a": "x", "b": 2}),
    call("call-add-fractional", "float with fraction for int -> 422", "add", {"a": 1.5, "b": 2}),
    call("call-add-bool-for-int", "bool for int (pydantic lax accepts? recorded)", "add", {"a": True, "b": 2}),
    call("call-add-missing-arg", "one required argument missing -> 422 (pydantic path)", "add", {"a": 1}),
    call("call-add-no-args-key", "args key absent -> 422 Field required for every required field", "add", no_args=True),
    call("call-add-empty-args", "args {} -> same required-field path", "add", {}),
    call("call-add-args-null", "args null -> same required-field path", body='{"fn":"add","args":null}'),
    call("call-add-extra-arg", "unknown extra argument is ignored", "add", {"a": 1, "b": 2, "c": 3}),
    call("call-add-args-array", "args as non-empty array -> 400 'Input must be an object, not list'", "add", [1, 2]),
    call("call-add-args-string", "args as string -> 400", "add", "12"),
    call("call-add-args-empty-array", "args [] is falsy -> required-field 422 path", "add", []),
    call("call-ping-ok", "no-input function with str output (wrapped)", "ping"),
    call("call-ping-no-args-key", "no-input function, args key absent", "ping", no_args=True),
    call("call-ping-with-args", "no-input function ignores supplied args", "ping", {"x": 1}),
    call("call-list-items", "list[Model] output is not wrapped", "list_items"),
    call("call-nothing", "-> None output is wrapped: {result: {result: null}}", "nothing"),
    call("call-maybe-item-found", "Model | None output, value present", "maybe_item", {"found": True}),
    call("call-maybe-item-none", "Model | None output, None -> result null (not wrapped)", "maybe_item", {"found": False}),
    call("call-typed-args-ok", "bool/float/list/nested model/optional args; dict output is wrapped", "typed_args",
         {"flag": True, "ratio": 0.5, "tags": ["x", "y"], "item": {"id": 1, "name": "n"}}),
    call("call-typed-args-bad", "several invalid fields incl. nested and list index locations", "typed_args",
         {"flag": "maybe", "ratio": "abc", "tags": ["ok", 5, None], "item": {"id": "x"}}),
    call("call-typed-args-strings", "lax coercions from strings ('true', '1.5')", "typed_args",
         {"flag": "true", "ratio": "1.5"}),
    call("call-buggy", "unexpected exception -> 500 INTERNAL_ERROR, no details", "buggy_fn"),
    call("call-not-implemented", "NotImplementedError('coming soon') -> 501 with its message", "not_implemented_fn"),
    call("call-not-implemented-bare", "bare NotImplementedError -> 501 with empty message", "not_implemented_bare"),
    call("call-permission-error", "PermissionError('...') raised in body -> 403 with its message", "permission_error_fn"),
    call("call-permission-error-bare", "bare PermissionError -> 403 'Permission denied'", "permission_error_bare"),
    call("call-core-not-found", "izana_core NotFound with details -> 404 with details", "core_not_found_fn", {"item_id": 5}),
    call("call-core-validation", "izana_core ValidationFailed -> 422 with given details", "core_validation_fn"),
    call("call-unknown-fn", "unknown function (DEBUG=False) -> 404 'Function not found'", "no_such_fn"),
    call("call-fn-not-string", "fn is a number -> not found", body='{"fn":123,"args":{}}'),
    call("call-malformed-json", "body is not JSON -> 400", body='{"fn": "echo", '),
    call("call-empty-body", "empty body -> 400 'Request body required'", body=""),
    call("call-missing-fn", "no fn key -> 400", body='{"args":{}}'),
    call("call-fn-empty-string", "fn '' -> 400 Missing 'fn' field", body='{"fn":"","args":{}}'),
    call("call-body-array", "JSON array body -> unhandled AttributeError -> Django 500 HTML", body="[1,2]"),
    call("call-text-plain", "JSON body with text/plain content-type is still parsed", "echo", {"text": "plain"},
         headers={"Content-Type": "text/plain"}),
    {"name": "call-get", "description": "GET /call/ -> 405 JSON envelope (no Allow header)",
     "method": "GET", "path": "/call/", "auth": None, "csrf": False},
    call("call-put-with-csrf", "PUT with valid CSRF -> 405 'Only POST method allowed'", "echo", {"text": "x"}, method="PUT"),
    call("call-put-no-csrf", "PUT without CSRF -> Django CSRF 403 (csrf runs before the method check)", "echo",
         {"text": "x"}, method="PUT", csrf=False),
    call("call-no-csrf", "session-style POST without csrftoken cookie/header -> Django CSRF 403 HTML", "echo",
         {"text": "x"}, csrf=False),
    call("call-csrf-cookie-no-header", "csrftoken cookie but no X-CSRFToken header -> 403", "echo", {"text": "x"},
         csrf=False, cookies={"csrftoken": "InteropCsrfSecret0123456789abcde"}),
    call("call-csrf-mismatch", "X-CSRFToken differs from cookie -> 403", "echo", {"text": "x"}, csrf=False,
         cookies={"csrftoken": "InteropCsrfSecret0123456789abcde"},
         headers={"X-CSRFToken": "OtherCsrfSecret00000000000000000"}),
    call("call-no-csrf-authenticated", "alice session POST without CSRF -> 403", "whoami", auth=ALICE_S, csrf=False),
    dict(call("call-no-trailing-slash", "POST /call (no slash): CommonMiddleware APPEND_SLASH answer", "echo",
              {"text": "x"}), path="/call"),

    # ── auth ────────────────────────────────────────────────────────────────
    call("call-whoami-anon", "auth=True without user -> 401", "whoami"),
    call("call-whoami-session-alice", "auth=True with session", "whoami", auth=ALICE_S),
    call("call-whoami-mwt-alice", "auth=True with X-Izana-Token (no CSRF needed); user is MWTUser", "whoami",
         auth=ALICE_M, csrf=False),
    call("call-whoami-mwt-root", "MWT of a superuser", "whoami", auth=ROOT_M, csrf=False),
    call("call-whoami-mwt-invalid", "garbage X-Izana-Token -> 401 'Invalid or expired MWT'", "whoami",
         auth={"token": "invalid"}, csrf=False),
    call("call-whoami-mwt-expired", "expired MWT -> 401", "whoami", auth={"token": "expired"}, csrf=False),
    call("call-whoami-mwt-wrong-secret", "MWT signed with another secret -> 401", "whoami",
         auth={"token": "wrong-secret"}, csrf=False),
    call("call-whoami-mwt-wrong-aud", "MWT with aud 'mizan' -> 401 (audience is 'izana')", "whoami",
         auth={"token": "wrong-aud"}, csrf=False),
    call("call-whoami-mwt-invalid-with-session", "invalid MWT + valid session + CSRF -> still 401 (no fallback)",
         "whoami", auth={"token": "invalid"}, csrf=True, cookies={"sessionid": "interopsessionalice000000000000a"}),
    call("call-echo-mwt-invalid", "invalid MWT on a public function -> 401", "echo", {"text": "x"},
         auth={"token": "invalid"}, csrf=False),
    call("call-whoami-bearer-alice", "legacy Authorization: Bearer access JWT -> JWTUser", "whoami",
         auth={"user": "alice", "via": "bearer"}, csrf=False),
    call("call-whoami-bearer-invalid", "invalid Bearer token -> 401 'Invalid or expired JWT token'", "whoami",
         auth={"bearer": "invalid"}, csrf=False),
    call("call-whoami-mwt-and-bearer", "both X-Izana-Token and Bearer: MWT wins", "whoami", auth=SAM_M, csrf=False,
         headers={"Authorization": "Bearer not-a-jwt"}),
    call("call-staff-only-anon", "auth='staff' anonymous -> 401", "staff_only"),
    call("call-staff-only-alice", "auth='staff' non-staff -> 403 'Staff access required'", "staff_only", auth=ALICE_S),
    call("call-staff-only-sam", "auth='staff' staff user -> 200", "staff_only", auth=SAM_S),
    call("call-staff-only-mwt-sam", "auth='staff' via MWT staff claim", "staff_only", auth=SAM_M, csrf=False),
    call("call-superuser-only-sam", "auth='superuser' staff non-super -> 403", "superuser_only", auth=SAM_S),
    call("call-superuser-only-root", "auth='superuser' superuser -> 200", "superuser_only", auth=ROOT_S),
    call("call-superuser-only-mwt-root", "auth='superuser' via MWT super claim", "superuser_only", auth=ROOT_M, csrf=False),
    call("call-permission-check-alice", "callable auth predicate true", "permission_check_fn", auth=ALICE_S),
    call("call-permission-check-sam", "callable auth predicate false -> 403 'Access denied'", "permission_check_fn",
         auth=SAM_S),
    call("call-permission-check-anon", "callable auth on anonymous -> 403 (not 401)", "permission_check_fn"),
    call("call-permission-raise", "callable auth raising PermissionError -> 403 with its message", "permission_raise_fn"),
    call("call-secret-fn", "private=True -> 403 'Function is not client-callable'", "secret_fn"),
    call("call-secret-fn-root", "private=True even for a superuser -> 403", "secret_fn", auth=ROOT_S),
    call("call-mwt-obtain-anon", "mwt_obtain requires auth -> 401", "mwt_obtain"),
    call("call-mwt-obtain-alice", "mwt_obtain with session -> {token, expires_in}", "mwt_obtain", auth=ALICE_S),
    call("call-mwt-obtain-via-mwt", "mwt_obtain re-issued from an MWT", "mwt_obtain", auth=ROOT_M, csrf=False),
    call("call-jwt-obtain-alice", "legacy jwt_obtain with session -> token pair", "jwt_obtain", auth=ALICE_S),

    # ── contexts ────────────────────────────────────────────────────────────
    ctx("ctx-global-anon", "global bundle, anonymous (first fetch: cache MISS)", "global"),
    ctx("ctx-global-anon-again", "same request again: served from cache (HIT, same bytes)", "global"),
    ctx("ctx-global-alice", "global bundle with session (per-user cache key)", "global", auth=ALICE_S),
    ctx("ctx-global-mwt-root", "global bundle with MWT header", "global", auth=ROOT_M),
    ctx("ctx-global-mwt-invalid", "invalid MWT on ctx -> 401", "global", auth={"token": "invalid"}),
    ctx("ctx-user-1", "user bundle, required + optional params; keys sorted", "user", {"user_id": "1"}),
    ctx("ctx-user-1-again", "repeat -> HIT", "user", {"user_id": "1"}),
    ctx("ctx-user-limit", "optional param limit=2 reaches only user_posts", "user", {"user_id": "1", "limit": "2"}),
    ctx("ctx-user-missing-param", "required param absent -> 422", "user"),
    ctx("ctx-user-bad-type", "param of wrong type -> 422", "user", {"user_id": "abc"}),
    ctx("ctx-user-unknown-id", "member raises izana_core NotFound -> whole bundle 404", "user", {"user_id": "99"}),
    ctx("ctx-user-extra-param", "unknown query param ignored by members", "user", {"user_id": "2", "zzz": "1"}),
    ctx("ctx-unknown", "unknown context -> 404 naming it", "nope"),
    ctx("ctx-broken", "a failing member fails the whole bundle -> 500", "broken"),
    ctx("ctx-secure-anon", "context member with auth=True, anonymous -> 401", "secure"),
    ctx("ctx-secure-alice", "context member with auth=True, session", "secure", auth=ALICE_S),
    ctx("ctx-post", "POST on /ctx/ -> 405 (no CSRF check on ctx)", "global", method="POST"),
    ctx("ctx-search-non-ascii", "string param with non-ASCII", "search", {"q": "caf\u00e9 & co", "page": "2"}),
    ctx("ctx-live-over-http", "websocket=True context fetched over HTTP", "live"),
    ctx("ctx-nocache-1", "cache=False context: no X-Izana-Cache header", "nocache"),
    ctx("ctx-nocache-2", "cache=False context: re-executed (count 2)", "nocache"),
    ctx("ctx-ttl60-miss", "cache=60 context: MISS", "ttl60"),
    ctx("ctx-ttl60-hit", "cache=60 context: HIT", "ttl60"),
    ctx("ctx-counter-miss", "default cache: MISS, count 1", "counter"),
    ctx("ctx-counter-hit", "HIT, still count 1", "counter"),
    call("call-bump-counter", "affects=['counter','counter'] deduplicated; purges counter:*", "bump_counter"),
    ctx("ctx-counter-after-purge", "after purge: MISS, count 2", "counter"),

    # ── mutations / invalidation / merge ────────────────────────────────────
    call("call-refresh-users", "affects='user' without user_id arg -> broad 'user'", "refresh_users"),
    call("call-update-profile", "affects='user' with user_id arg -> scoped {context, params}", "update_profile",
         {"user_id": 1, "name": "Alicia"}),
    ctx("ctx-user-1-after-update", "scoped purge removed the anon entry for user_id=1 -> MISS, new name", "user",
        {"user_id": "1"}),
    call("call-update-profile-string-id", "params echo the raw (unvalidated) argument value", "update_profile",
         {"user_id": "2", "name": "Samuel"}),
    call("call-update-profile-invalid", "validation failure: no invalidate entry/header", "update_profile",
         {"user_id": "x", "name": "n"}),
    call("call-touch-everything", "affects=['user', GlobalContext] -> scoped + broad, header order kept",
         "touch_everything", {"user_id": 3}),
    call("call-reindex", "percent-encoding, sorted params, non-context arg excluded", "reindex",
         {"q": "caf\u00e9 & co/\u65e5;=,", "page": 2, "extra": "ignored"}),
    call("call-reindex-default-page", "default-valued param not sent is not in params", "reindex", {"q": "a b"}),
    call("call-rename-user", "merge='user' -> merge entry (slot user_profile) with params; no invalidate",
         "rename_user", {"user_id": 1, "name": "Ally"}),
    ctx("ctx-user-1-after-merge", "merge does not purge the origin cache: HIT with stale body", "user",
        {"user_id": "1"}),
    call("call-rename-and-touch", "merge + affects together", "rename_and_touch", {"user_id": 2, "name": "S"}),
    call("call-new-profile", "merge without input -> merge entry without params", "new_profile"),
    call("call-export-csv", "view path: HttpResponse returned verbatim + Cache-Control no-store", "export_csv",
         {"rows": 3}),
    call("call-view-mutation", "view path with affects: X-Izana-Invalidate on the raw response", "view_mutation",
         {"user_id": 2}),
    call("call-ws-only-fn-over-http", "websocket=True function is callable over HTTP too", "ws_echo", {"text": "h"}),

    # ── forms ───────────────────────────────────────────────────────────────
    call("call-contact-schema", "form schema function '<name>.schema'", "contact.schema"),
    call("call-contact-schema-data", "schema with pre-populated data", "contact.schema", {"data": {"name": "Zed"}}),
    call("call-contact-validate-ok", "form validate: no errors", "contact.validate",
         {"data": {"name": "Zed", "email": "z@example.com", "topic": "sales"}}),
    call("call-contact-validate-errors", "form validate: field errors list", "contact.validate",
         {"data": {"name": "x" * 30, "email": "bad", "topic": "nope", "age": "3"}}),
    call("call-contact-validate-missing-data", "validate without data -> 422", "contact.validate"),
    call("call-contact-submit-ok", "form submit (JSON args are the raw form data)", "contact.submit",
         {"name": "Zed", "email": "z@example.com", "topic": "support"}),
    call("call-contact-submit-errors", "form submit failure -> success false + errors", "contact.submit",
         {"name": "", "email": "bad"}),
    call("call-contact-submit-multipart", "form submit as multipart/form-data (fn is a form field)",
         body=multipart({"fn": "contact.submit", "name": "Multi", "email": "m@example.com", "topic": "sales"}),
         headers={"Content-Type": f"multipart/form-data; boundary={MULTIPART_BOUNDARY}"}),
    call("call-multipart-missing-fn", "multipart without fn field -> 400",
         body=multipart({"name": "x"}),
         headers={"Content-Type": f"multipart/form-data; boundary={MULTIPART_BOUNDARY}"}),
]

# Served by a second server: DEBUG=True + Django's default CsrfViewMiddleware.
VARIANT_CASES = [
    call("variant-call-unknown-fn-debug", "DEBUG=True names the missing function", "no_such_fn"),
    call("variant-call-echo-csrf-ok", "stock middleware: session-style POST with CSRF passes", "echo", {"text": "v"}),
    call("variant-call-whoami-mwt-no-csrf", "stock CsrfViewMiddleware rejects an MWT POST without CSRF (403)",
         "whoami", auth=ALICE_M, csrf=False),
    call("variant-call-whoami-mwt-with-csrf", "stock middleware: MWT POST with CSRF passes", "whoami", auth=ALICE_M),
    ctx("variant-ctx-global-mwt", "stock middleware: ctx GET with MWT needs no CSRF", "global", auth=ALICE_M),
    call("variant-call-no-csrf", "stock middleware CSRF failure page (DEBUG=True)", "echo", {"text": "x"}, csrf=False),
]

WS_CASES = [
    {"name": "ws-rpc-ok", "description": "WS RPC of a websocket=True function", "auth": None, "steps": [
        {"send": {"action": "rpc", "id": "1", "fn": "ws_echo", "args": {"text": "hello"}}}]},
    {"name": "ws-rpc-errors", "description": "WS RPC error frames", "auth": None, "steps": [
        {"send": {"action": "rpc", "id": "2", "fn": "echo", "args": {"text": "x"}}},
        {"send": {"action": "rpc", "id": "3", "fn": "no_such_fn", "args": {}}},
        {"send": {"action": "rpc", "id": "4", "args": {}}},
        {"send": {"action": "rpc", "fn": "ws_echo", "args": {"text": "x"}}},
        {"send": {"action": "rpc", "id": "5", "fn": "ws_echo", "args": {}}},
        {"send": {"action": "rpc", "id": 6, "fn": "ws_echo", "args": {"text": 7}}},
        {"send": {"action": "rpc", "id": "7", "fn": "ws_whoami"}},
        {"send": {"action": "bogus"}},
    ]},
    {"name": "ws-rpc-session", "description": "WS RPC authenticated by the session cookie", "auth": ALICE_S, "steps": [
        {"send": {"action": "rpc", "id": "1", "fn": "ws_whoami"}}]},
    {"name": "ws-rpc-query-jwt", "description": "WS auth via ?token=<legacy access JWT>", "auth": {"user": "alice", "via": "query-jwt"},
     "steps": [{"send": {"action": "rpc", "id": "1", "fn": "ws_whoami"}}]},
    {"name": "ws-rpc-query-mwt", "description": "an MWT in ?token= is NOT accepted on WS (JWT only)",
     "auth": {"user": "alice", "via": "query-mwt"},
     "steps": [{"send": {"action": "rpc", "id": "1", "fn": "ws_whoami"}}]},
    {"name": "ws-rpc-mutation", "description": "WS RPC reply carries invalidate and merge", "auth": None, "steps": [
        {"send": {"action": "rpc", "id": "m1", "fn": "ws_rename", "args": {"user_id": 3, "name": "Groot"}}}]},
    {"name": "ws-ctx", "description": "WS ctx fetch (bundle, errors)", "auth": None, "steps": [
        {"send": {"action": "ctx", "id": "c1", "context": "live"}},
        {"send": {"action": "ctx", "id": "c2", "context": "user", "params": {"user_id": 2, "limit": 1}}},
        {"send": {"action": "ctx", "id": "c3", "context": "nope"}},
        {"send": {"action": "ctx", "id": "c4"}},
        {"send": {"action": "ctx", "context": "live"}},
    ]},
    {"name": "ws-channel", "description": "channel subscribe / message broadcast / unsubscribe", "auth": ALICE_S, "steps": [
        {"send": {"action": "subscribe", "channel": "chat", "params": {"room": "lobby"}}},
        {"send": {"action": "subscribe", "channel": "chat", "params": {"room": "lobby"}}},
        {"send": {"action": "message", "channel": "chat", "params": {"room": "lobby"}, "data": {"text": "hi all"}}},
        {"send": {"action": "message", "channel": "chat", "params": {"room": "lobby"}, "data": {"wrong": 1}}},
        {"send": {"action": "unsubscribe", "channel": "chat", "params": {"room": "lobby"}}},
        {"send": {"action": "message", "channel": "chat", "params": {"room": "lobby"}, "data": {"text": "late"}}},
    ]},
    {"name": "ws-channel-errors", "description": "channel error frames", "auth": None, "steps": [
        {"send": {"action": "subscribe", "channel": "nope", "params": {}}},
        {"send": {"action": "subscribe", "channel": "chat", "params": {"room": "forbidden"}}},
        {"send": {"action": "subscribe", "channel": "chat", "params": {}}},
        {"send": {"action": "unsubscribe", "channel": "chat", "params": {"room": "never"}}},
    ]},
]

# Served by a third server (FIXTURE_VARIANT=round2): the primary fixture plus fixture_app/round2.py
# and the route path of touch_shelf (issue #28). Its own Redis flush and in-memory state.
ROUND2_CASES = [
    # ── lax coercion, nested and in the forms Pydantic reads differently ───
    call("r2-call-order-nested-strings", "strings nested in a list of models are coerced", "place_order",
         {"items": [{"book_id": "2", "qty": "3"}, {"book_id": " 7 "}], "rating": "4.5", "gift": "yes"}),
    call("r2-call-order-nested-bad", "'1e1' is no int, even nested -> 422 at items.0.qty", "place_order",
         {"items": [{"book_id": 1, "qty": "1e1"}]}),
    call("r2-call-order-underscores", "PEP 515 underscores: '1_0' is 10", "place_order",
         {"items": [{"book_id": "1_0", "qty": "2.000"}], "gift": "OFF"}),
    call("r2-call-half-underscore", "float from '1_0' -> 10.0, halved", "half", {"score": "1_0"}),
    call("r2-call-half-exponent", "float from '1e1' -> 10.0", "half", {"score": "1e1"}),
    call("r2-call-is-finite-inf", "float from 'inf' is accepted by Pydantic", "is_finite", {"score": "inf"}),
    call("r2-call-is-finite-nan-word", "float from 'NaN'", "is_finite", {"score": "NaN"}),
    # ── integers beyond 2^53 ────────────────────────────────────────────────
    call("r2-call-big-echo-literal", "2^53+1 as a JSON literal comes back exact", body='{"fn":"big_echo","args":{"n":9007199254740993}}'),
    call("r2-call-big-echo-string", "a 20-digit string is an exact int", "big_echo", {"n": "12345678901234567890"}),
    call("r2-call-big-echo-negative", "-(2^63) exact", body='{"fn":"big_echo","args":{"n":-9223372036854775808}}'),
    call("r2-call-big-next", "output beyond 2^53 in a model and a list", body='{"fn":"big_next","args":{"n":9007199254740992}}'),
    call("r2-call-big-echo-float-literal", "1e20 is a float literal: no int", body='{"fn":"big_echo","args":{"n":1e20}}'),
    # ── a context read stops at the first failing member ────────────────────
    ctx("r2-ctx-gate-closed", "first member raises NotFound: 404, the second never runs", "gate", {"key": "shut"}),
    call("r2-call-gate-visits-after-closed", "the visit counter did not move", "gate_visits"),
    ctx("r2-ctx-gate-open", "both members run", "gate", {"key": "open"}),
    call("r2-call-gate-visits-after-open", "one visit", "gate_visits"),
    # ── a route function's affects, on its route path ───────────────────────
    ctx("r2-ctx-shelf-2-miss", "shelf bundle for book 2: MISS", "shelf", {"book_id": "2"}),
    ctx("r2-ctx-shelf-2-hit", "again: HIT", "shelf", {"book_id": "2"}),
    dict(call("r2-route-touch-shelf-2", "route path of touch_shelf: invalidate header, no-store, purge", body=""),
         path="/shelf/2/touch/", headers={"Content-Type": "text/plain"}),
    ctx("r2-ctx-shelf-2-after-route", "the route call purged the bundle: MISS, touched 1", "shelf", {"book_id": "2"}),
    call("r2-call-touch-shelf-via-call", "the same function over /call/", "touch_shelf", {"book_id": 2}),
    ctx("r2-ctx-shelf-2-after-call", "purged again: MISS, touched 2", "shelf", {"book_id": "2"}),
    # ── deviations to be listed (PROTOCOL.md §15) ───────────────────────────
    call("r2-call-whoami-bearer-mwt", "an MWT in Authorization: Bearer is no legacy JWT -> 401", "whoami",
         auth={"user": "alice", "via": "bearer-mwt"}, csrf=False),
    call("r2-call-echo-empty-token", "an empty X-Izana-Token header counts as absent", "echo", {"text": "e"},
         headers={"X-Izana-Token": ""}),
    call("r2-call-whoami-mwt-unknown-kid", "an MWT with kid 'v9' signed with the right secret", "whoami",
         auth={"token": "unknown-kid"}, csrf=False),
    call("r2-call-unknown-fn-no-cache-control", "an error answer of /call/ carries no Cache-Control", "nope_fn"),
    call("r2-call-rate-books-float", "a float argument in the invalidate header is str(float): 4.0",
         body='{"fn":"rate_books","args":{"min_rating":4.0}}'),
    ctx("r2-ctx-ratings-nested-keys", "bundle body: sort_keys sorts nested keys too", "ratings", {"min_rating": "3.5"}),
]

ROUND2_WS_CASES = [
    {"name": "r2-ws-malformed-text", "description": "a frame that is text: not json", "auth": None, "steps": [
        {"send": 'not json'},
        {"send": {"action": "rpc", "id": "after", "fn": "ws_echo", "args": {"text": "still here"}}},
    ]},
    {"name": "r2-ws-malformed-array", "description": "a frame that is array: [1, 2]", "auth": None, "steps": [
        {"send": '[1, 2]'},
        {"send": {"action": "rpc", "id": "after", "fn": "ws_echo", "args": {"text": "still here"}}},
    ]},
    {"name": "r2-ws-malformed-number", "description": "a frame that is number: 42", "auth": None, "steps": [
        {"send": '42'},
        {"send": {"action": "rpc", "id": "after", "fn": "ws_echo", "args": {"text": "still here"}}},
    ]},
    {"name": "r2-ws-malformed-no-action", "description": "a frame without an action: {}", "auth": None, "steps": [
        {"send": '{}'},
        {"send": {"action": "rpc", "id": "after", "fn": "ws_echo", "args": {"text": "still here"}}},
    ]},
    {"name": "r2-ws-malformed-unknown-action", "description": "a frame with an unknown action", "auth": None, "steps": [
        {"send": '{"action":"nope","id":"u1"}'},
        {"send": {"action": "rpc", "id": "after", "fn": "ws_echo", "args": {"text": "still here"}}},
    ]},
    {"name": "r2-ws-rpc-handler-errors", "description": "handler-raised errors over the socket", "auth": None, "steps": [
        {"send": {"action": "rpc", "id": "e1", "fn": "ws_not_implemented"}},
        {"send": {"action": "rpc", "id": "e2", "fn": "ws_permission"}},
        {"send": {"action": "rpc", "id": "e3", "fn": "ws_not_found", "args": {"book_id": "5"}}},
        {"send": {"action": "rpc", "id": "e4", "fn": "ws_invalid"}},
        {"send": {"action": "rpc", "id": "e5", "fn": "ws_buggy"}},
        {"send": {"action": "rpc", "id": "e6", "fn": "secret_fn"}},
        {"send": {"action": "rpc", "id": "e7", "fn": "not_implemented_fn"}},
    ]},
    {"name": "r2-ws-rpc-coercion", "description": "lax coercion and big ints over the socket", "auth": None, "steps": [
        {"send": {"action": "rpc", "id": "c1", "fn": "ws_order", "args": {"items": [{"book_id": "2", "qty": "3"}]}}},
        {"send": '{"action":"rpc","id":"c2","fn":"ws_big_echo","args":{"n":9007199254740993}}'},
        {"send": {"action": "rpc", "id": "c3", "fn": "ws_order", "args": {"items": [{"book_id": "1e1"}]}}},
    ]},
    {"name": "r2-ws-ctx-gate", "description": "ws ctx read stops at the first failing member", "auth": None, "steps": [
        {"send": {"action": "ctx", "id": "g1", "context": "gate", "params": {"key": "shut"}}},
        {"send": {"action": "ctx", "id": "g2", "context": "gate", "params": {"key": "open"}}},
    ]},
    {"name": "r2-ws-channel-auth", "description": "channel auth refusal, then a good subscribe and unsubscribe", "auth": None, "steps": [
        {"send": {"action": "subscribe", "channel": "chat", "params": {"room": "forbidden"}}},
        {"send": {"action": "message", "channel": "chat", "params": {"room": "forbidden"}, "data": {"text": "x"}}},
        {"send": {"action": "subscribe", "channel": "chat", "params": {"room": "r2"}}},
        {"send": {"action": "unsubscribe", "channel": "chat", "params": {"room": "r2"}}},
        {"send": {"action": "unsubscribe", "channel": "chat", "params": {"room": "r2"}}},
    ]},
]
