"""Server functions of the interop fixture.

Discovered by izana's app visitor (the `clients` layer). In-memory state is
reset every time the server process starts, so a recording run is repeatable.
"""
from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from pydantic import BaseModel

from izana.client import GlobalContext, ReactContext, client
from izana_core.executor import NotFound, ValidationFailed

UserContext = ReactContext("user")


# ─── Shapes ─────────────────────────────────────────────────────────────────


class EchoOutput(BaseModel):
    message: str


class Item(BaseModel):
    id: int
    name: str
    tags: list[str] = []


class Profile(BaseModel):
    user_id: int
    name: str


class Post(BaseModel):
    id: int
    title: str


class Stats(BaseModel):
    users: int


class CurrentUser(BaseModel):
    authenticated: bool
    id: int | None = None
    username: str | None = None


class SiteConfig(BaseModel):
    site_name: str
    version: int


class WhoAmI(BaseModel):
    id: int | str
    username: str | None
    is_staff: bool
    is_superuser: bool
    user_class: str


class Counter(BaseModel):
    count: int


class SearchResult(BaseModel):
    q: str
    page: int
    hits: list[str]


class LiveStatus(BaseModel):
    online: int


# ─── In-memory state (reset per process) ────────────────────────────────────

PROFILES: dict[int, str] = {1: "Alice", 2: "Sam", 3: "Root"}
COUNTERS: dict[str, int] = {"cached": 0, "cached60": 0, "uncached": 0}


def _whoami(request) -> WhoAmI:
    user = request.user
    user_id = user.pk  # forces lazy user wrappers to resolve
    concrete = getattr(user, "_wrapped", user)  # Django/Channels lazy wrappers
    return WhoAmI(
        id=user_id,
        username=getattr(user, "username", None),
        is_staff=bool(getattr(user, "is_staff", False)),
        is_superuser=bool(getattr(user, "is_superuser", False)),
        user_class=type(concrete).__name__,
    )


# ─── Plain RPC ──────────────────────────────────────────────────────────────


@client
def echo(request: HttpRequest, text: str) -> EchoOutput:
    return EchoOutput(message=text)


@client
def add(request: HttpRequest, a: int, b: int) -> int:
    return a + b


@client
def ping(request: HttpRequest) -> str:
    return "pong"


@client
def list_items(request: HttpRequest) -> list[Item]:
    return [Item(id=1, name="first", tags=["a"]), Item(id=2, name="second")]


@client
def nothing(request: HttpRequest) -> None:
    return None


@client
def maybe_item(request: HttpRequest, found: bool) -> Item | None:
    return Item(id=7, name="seven") if found else None


@client
def typed_args(
    request: HttpRequest,
    flag: bool,
    ratio: float,
    tags: list[str] = [],
    item: Item | None = None,
    note: str | None = None,
) -> dict:
    return {
        "flag": flag,
        "ratio": ratio,
        "tags": tags,
        "item": item.model_dump() if item else None,
        "note": note,
    }


@client
def buggy_fn(request: HttpRequest) -> EchoOutput:
    raise RuntimeError("secret internal detail")


@client
def not_implemented_fn(request: HttpRequest) -> EchoOutput:
    raise NotImplementedError("coming soon")


@client
def not_implemented_bare(request: HttpRequest) -> EchoOutput:
    raise NotImplementedError


@client
def permission_error_fn(request: HttpRequest) -> EchoOutput:
    raise PermissionError("you shall not pass")


@client
def permission_error_bare(request: HttpRequest) -> EchoOutput:
    raise PermissionError()


@client
def core_not_found_fn(request: HttpRequest, item_id: int) -> Item:
    raise NotFound(f"item {item_id} does not exist", details={"item_id": item_id})


@client
def core_validation_fn(request: HttpRequest) -> Item:
    raise ValidationFailed("custom validation", details={"fields": {"name": ["taken"]}})


# ─── Auth ───────────────────────────────────────────────────────────────────


@client(auth=True)
def whoami(request: HttpRequest) -> WhoAmI:
    return _whoami(request)


@client(auth="staff")
def staff_only(request: HttpRequest) -> WhoAmI:
    return _whoami(request)


@client(auth="superuser")
def superuser_only(request: HttpRequest) -> WhoAmI:
    return _whoami(request)


def _is_alice(request) -> bool:
    return bool(getattr(request.user, "is_authenticated", False)) and request.user.pk == 1


def _predicate_raises(request) -> bool:
    raise PermissionError("only on Tuesdays")


@client(auth=_is_alice)
def permission_check_fn(request: HttpRequest) -> WhoAmI:
    return _whoami(request)


@client(auth=_predicate_raises)
def permission_raise_fn(request: HttpRequest) -> EchoOutput:
    return EchoOutput(message="unreachable")


@client(private=True)
def secret_fn(request: HttpRequest) -> EchoOutput:
    return EchoOutput(message="never over the wire")


# ─── Contexts ───────────────────────────────────────────────────────────────


@client(context=GlobalContext)
def current_user(request: HttpRequest) -> CurrentUser:
    user = request.user
    if not getattr(user, "is_authenticated", False):
        return CurrentUser(authenticated=False)
    return CurrentUser(authenticated=True, id=user.pk, username=getattr(user, "username", None))


@client(context=GlobalContext, rev=2)
def site_config(request: HttpRequest) -> SiteConfig:
    return SiteConfig(site_name="Interop Fixture", version=2)


@client(context=UserContext)
def user_profile(request: HttpRequest, user_id: int) -> Profile:
    if user_id not in PROFILES:
        raise NotFound(f"user {user_id} not found")
    return Profile(user_id=user_id, name=PROFILES[user_id])


@client(context=UserContext)
def user_posts(request: HttpRequest, user_id: int, limit: int = 10) -> list[Post]:
    posts = [Post(id=user_id * 100 + i, title=f"post {i} of {user_id}") for i in range(1, 4)]
    return posts[:limit]


@client(context=UserContext)
def user_stats(request: HttpRequest) -> Stats:
    return Stats(users=len(PROFILES))


@client(context="search")
def search_results(request: HttpRequest, q: str, page: int = 1) -> SearchResult:
    return SearchResult(q=q, page=page, hits=[f"{q}#{page}"])


@client(context="broken")
def broken_ok(request: HttpRequest) -> EchoOutput:
    return EchoOutput(message="fine")


@client(context="broken")
def broken_fail(request: HttpRequest) -> Counter:
    raise RuntimeError("member exploded")


@client(context="secure", auth=True)
def secure_data(request: HttpRequest) -> WhoAmI:
    return _whoami(request)


@client(context="counter")
def cached_counter(request: HttpRequest) -> Counter:
    COUNTERS["cached"] += 1
    return Counter(count=COUNTERS["cached"])


@client(context="ttl60", cache=60)
def ttl_counter(request: HttpRequest) -> Counter:
    COUNTERS["cached60"] += 1
    return Counter(count=COUNTERS["cached60"])


@client(context="nocache", cache=False)
def uncached_counter(request: HttpRequest) -> Counter:
    COUNTERS["uncached"] += 1
    return Counter(count=COUNTERS["uncached"])


@client(context="live", websocket=True)
def live_status(request: HttpRequest) -> LiveStatus:
    return LiveStatus(online=3)


# ─── Mutations ──────────────────────────────────────────────────────────────


@client(affects="user")
def refresh_users(request: HttpRequest) -> Stats:
    return Stats(users=len(PROFILES))


@client(affects=UserContext)
def update_profile(request: HttpRequest, user_id: int, name: str) -> EchoOutput:
    PROFILES[user_id] = name
    return EchoOutput(message=f"updated {user_id}")


@client(affects=["user", GlobalContext])
def touch_everything(request: HttpRequest, user_id: int) -> EchoOutput:
    return EchoOutput(message=f"touched {user_id}")


@client(affects=["counter", "counter"])
def bump_counter(request: HttpRequest) -> Counter:
    return Counter(count=COUNTERS["cached"])


@client(affects="search")
def reindex(request: HttpRequest, q: str, page: int = 1, extra: str = "") -> Counter:
    return Counter(count=page)


@client(merge="user")
def rename_user(request: HttpRequest, user_id: int, name: str) -> Profile:
    PROFILES[user_id] = name
    return Profile(user_id=user_id, name=name)


@client(merge=UserContext, affects="global")
def rename_and_touch(request: HttpRequest, user_id: int, name: str) -> Profile:
    PROFILES[user_id] = name
    return Profile(user_id=user_id, name=name)


@client(merge="user")
def new_profile(request: HttpRequest) -> Profile:
    return Profile(user_id=9, name="Nine")


# ─── View path (returns a Django HttpResponse) ──────────────────────────────


@client(route="/export/items.csv")
def export_csv(request: HttpRequest, rows: int = 2) -> HttpResponse:
    body = "id,name\n" + "".join(f"{i},item{i}\n" for i in range(1, rows + 1))
    response = HttpResponse(body, content_type="text/csv; charset=utf-8")
    response["X-Fixture"] = "view"
    return response


@client(affects="user")
def view_mutation(request: HttpRequest, user_id: int) -> HttpResponse:
    return HttpResponse(f"ok {user_id}", content_type="text/plain")


# ─── WebSocket transport ────────────────────────────────────────────────────


@client(websocket=True)
def ws_echo(request: HttpRequest, text: str) -> EchoOutput:
    return EchoOutput(message=text)


@client(websocket=True, auth=True)
def ws_whoami(request: HttpRequest) -> WhoAmI:
    return _whoami(request)


@client(websocket=True, affects="user", merge="user")
def ws_rename(request: HttpRequest, user_id: int, name: str) -> Profile:
    PROFILES[user_id] = name
    return Profile(user_id=user_id, name=name)
