"""The real Pydantic's lax-mode answers for a batch of inputs (test/interop/pydantic-coercion.test.ts).

stdin: {"scalars": [[type, value], ...], "orders": [value, ...]}; type is int | float | bool | str.
stdout: {"scalars": [[ok, text], ...], "orders": [[ok, canonical], ...]}, where text is str() of
an int, repr() of a float ("inf", "nan", "-0.0"), "True"/"False", or the string itself, and
canonical is the validated Order with every scalar tagged so JSON cannot blur int and float.
"""
import json
import sys
from typing import Optional

from pydantic import BaseModel, TypeAdapter, ValidationError


class Item(BaseModel):
    book_id: int
    qty: int = 1


class Order(BaseModel):
    items: list[Item]
    rating: Optional[float] = None
    gift: bool = False
    note: str = ""
    flags: dict[str, bool] = {}


ADAPTERS = {name: TypeAdapter(t) for name, t in {"int": int, "float": float, "bool": bool, "str": str}.items()}


def text(value):
    if isinstance(value, bool):
        return repr(value)
    if isinstance(value, float):
        return repr(value)
    return str(value)


def tag(value):
    if value is None:
        return None
    if isinstance(value, dict):
        return {k: tag(v) for k, v in value.items()}
    if isinstance(value, list):
        return [tag(v) for v in value]
    if isinstance(value, bool):
        return "b:" + repr(value)
    if isinstance(value, int):
        return "i:" + str(value)
    if isinstance(value, float):
        return "f:" + repr(value)
    return "s:" + value


def main():
    batch = json.load(sys.stdin)
    scalars = []
    for kind, value in batch["scalars"]:
        try:
            scalars.append([True, text(ADAPTERS[kind].validate_python(value))])
        except ValidationError:
            scalars.append([False, None])
    orders = []
    for value in batch["orders"]:
        try:
            orders.append([True, tag(Order(**value).model_dump())])
        except ValidationError:
            orders.append([False, None])
    json.dump({"scalars": scalars, "orders": orders}, sys.stdout)


if __name__ == "__main__":
    main()
