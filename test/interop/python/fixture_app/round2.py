"""Round-2 server functions (issue #28): the cases the first fixture left uncovered.

Registered only when FIXTURE_VARIANT=round2 (record.py's third server), so the primary
fixture, its golden cases and its IR export stay as they were. Own state and own contexts:
nothing here reads what the primary cases left behind.
"""
from __future__ import annotations

from typing import Optional

from django.http import HttpRequest, HttpResponse
from pydantic import BaseModel

from izana.client import ReactContext, client
from izana_core.executor import NotFound, ValidationFailed

ShelfContext = ReactContext("shelf")
STATE = {"gate_visits": 0, "touched": {}}


class Line(BaseModel):
    book_id: int
    qty: int = 1


class Order(BaseModel):
    items: list[Line]
    total: int
    rating: Optional[float] = None
    gift: bool = False


class BigOut(BaseModel):
    value: int
    halves: list[int]


class Visits(BaseModel):
    count: int


class Gate(BaseModel):
    key: str


class ShelfItem(BaseModel):
    book_id: int
    touched: int


# ─── Lax coercion at every depth ────────────────────────────────────────────


@client
def place_order(request: HttpRequest, items: list[Line], rating: Optional[float] = None, gift: bool = False) -> Order:
    return Order(items=items, total=sum(line.qty for line in items), rating=rating, gift=gift)


@client
def half(request: HttpRequest, score: float) -> float:
    return score / 2


@client
def is_finite(request: HttpRequest, score: float) -> bool:
    return score == score and score not in (float("inf"), float("-inf"))


# ─── Integers beyond 2^53 ───────────────────────────────────────────────────


@client
def big_echo(request: HttpRequest, n: int) -> int:
    return n


@client
def big_next(request: HttpRequest, n: int) -> BigOut:
    return BigOut(value=n + 1, halves=[n // 2, n - n // 2])


# ─── A context read stops at the first failing member ───────────────────────


@client(context="gate")
def gate_check(request: HttpRequest, key: str) -> Gate:
    if key != "open":
        raise NotFound("Gate is closed")
    return Gate(key=key)


@client(context="gate", cache=False)
def gate_visit(request: HttpRequest) -> Visits:
    STATE["gate_visits"] += 1
    return Visits(count=STATE["gate_visits"])


@client
def gate_visits(request: HttpRequest) -> Visits:
    return Visits(count=STATE["gate_visits"])


# ─── A route function's affects, on its route path ──────────────────────────


@client(context=ShelfContext)
def shelf_item(request: HttpRequest, book_id: int) -> ShelfItem:
    return ShelfItem(book_id=book_id, touched=STATE["touched"].get(book_id, 0))


@client(route="/shelf/<int:book_id>/touch/", affects=ShelfContext)
def touch_shelf(request: HttpRequest, book_id: int) -> HttpResponse:
    STATE["touched"][book_id] = STATE["touched"].get(book_id, 0) + 1
    return HttpResponse(f"touched {book_id}", content_type="text/plain; charset=utf-8")


# ─── Handler-raised errors over the socket (websocket=True) ─────────────────


@client(websocket=True)
def ws_not_implemented(request: HttpRequest) -> Visits:
    raise NotImplementedError("coming soon")


@client(websocket=True)
def ws_permission(request: HttpRequest) -> Visits:
    raise PermissionError("no shelf for you")


@client(websocket=True)
def ws_not_found(request: HttpRequest, book_id: int) -> Visits:
    raise NotFound("Book not found", details={"book_id": book_id})


@client(websocket=True)
def ws_invalid(request: HttpRequest) -> Visits:
    raise ValidationFailed("Bad shelf", details={"fields": {"shelf": ["Unknown shelf"]}})


@client(websocket=True)
def ws_buggy(request: HttpRequest) -> Visits:
    raise RuntimeError("secret internals")


@client(websocket=True)
def ws_order(request: HttpRequest, items: list[Line]) -> Order:
    return Order(items=items, total=sum(line.qty for line in items))


@client(websocket=True)
def ws_big_echo(request: HttpRequest, n: int) -> int:
    return n


# ─── A float argument in the invalidate header ──────────────────────────────


class Rated(BaseModel):
    min_rating: float
    count: int


@client(context="ratings")
def top_rated(request: HttpRequest, min_rating: float = 0.0) -> Rated:
    return Rated(min_rating=min_rating, count=int(min_rating))


@client(affects="ratings")
def rate_books(request: HttpRequest, min_rating: float) -> Visits:
    return Visits(count=int(min_rating))
