"""Reading and writing JSON objects by table: each object is a `Shape`, a list of `Field`s.

A field names its JSON key, the domain attribute it fills, its `Kind` (how a value is checked
and written), its default (or `REQUIRED`) and when it is written. Adding a key to the
interchange format is one `Field` line in the shape of its object. Errors are
`InterchangeError`s naming the place (`lots[L1].bidders[B1]: 'price' must be a number`).
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any, Generic, TypeVar

from workbench.errors import InterchangeError
from workbench.numbers import dec_str, to_decimal

T = TypeVar("T")


class _Required:
    def __repr__(self) -> str:
        return "REQUIRED"


#: The default of a key that must be present.
REQUIRED: Any = _Required()


class JsonObject:
    """A JSON object being read: its path for messages, and a check that every key is known.

    An item of a list is named by its id where it has one (`lots[L1]`, not `lots[0]`).
    """

    def __init__(self, value: object, path: str, allowed: Iterable[str]) -> None:
        if not isinstance(value, dict):
            raise InterchangeError(f"{path}: expected an object")
        if isinstance(value.get("id"), str) and path.endswith("]"):
            path = f"{path[: path.rindex('[')]}[{value['id']}]"
        known = set(allowed)
        unknown = [k for k in value if k not in known]
        if unknown:
            raise InterchangeError(f"{path}: unknown key '{unknown[0]}'")
        self.value: dict[str, Any] = value
        self.path = path

    def fail(self, message: str) -> InterchangeError:
        return InterchangeError(f"{self.path}: {message}")

    def child(self, key: str) -> str:
        """The path of a key's value ("file" is the root, left out of its children's paths)."""
        return key if self.path == "file" else f"{self.path}.{key}"


# -- kinds: how one value is read and written ------------------------------------------------


class Kind:
    """Text by default; subclasses check and convert other JSON types."""

    nullable = False

    def read(self, obj: JsonObject, key: str, raw: object) -> Any:
        if not isinstance(raw, str):
            raise obj.fail(f"'{key}' must be text")
        return raw

    def write(self, value: Any) -> Any:
        return value


class Ident(Kind):
    """Text that names something: not empty."""

    def read(self, obj: JsonObject, key: str, raw: object) -> Any:
        value = super().read(obj, key, raw)
        if not value.strip():
            raise obj.fail(f"'{key}' must not be empty")
        return value


class OptText(Kind):
    """Text, or null."""

    nullable = True


class Number(Kind):
    """A JSON number, read as an exact Decimal; written as an int when whole."""

    def read(self, obj: JsonObject, key: str, raw: object) -> Any:
        if isinstance(raw, bool) or not isinstance(raw, int | float | Decimal):
            raise obj.fail(f"'{key}' must be a number, not {json.dumps(raw, default=str)}")
        try:
            return to_decimal(raw, key)
        except ValueError as exc:
            raise obj.fail(str(exc)) from None

    def write(self, value: Any) -> Any:
        return number_out(value)


class OptNumber(Number):
    """A number, or null."""

    nullable = True


@dataclass(frozen=True)
class Whole(Kind):
    """A whole number from `lowest` to `highest`, or null when `nullable`."""

    lowest: int
    highest: int
    nullable: bool = False

    def read(self, obj: JsonObject, key: str, raw: object) -> Any:
        value = Number().read(obj, key, raw)
        if value != value.to_integral_value() or not self.lowest <= value <= self.highest:
            raise obj.fail(f"'{key}' must be a whole number from {self.lowest} to "
                           f"{self.highest}")
        return int(value)


class Flag(Kind):
    """true or false."""

    def read(self, obj: JsonObject, key: str, raw: object) -> Any:
        if not isinstance(raw, bool):
            raise obj.fail(f"'{key}' must be true or false")
        return raw


@dataclass(frozen=True)
class Choice(Kind):
    """One name of a registry."""

    options: Sequence[str]

    def read(self, obj: JsonObject, key: str, raw: object) -> Any:
        value = super().read(obj, key, raw)
        if value not in self.options:
            raise obj.fail(f"'{key}' must be one of {', '.join(self.options)}, not '{value}'")
        return value


@dataclass(frozen=True)
class TextList(Kind):
    """A list of text; `what` names its items in messages ("criterion ids")."""

    what: str

    def read(self, obj: JsonObject, key: str, raw: object) -> Any:
        if not isinstance(raw, list) or not all(isinstance(item, str) for item in raw):
            raise obj.fail(f"'{key}' must be a list of {self.what}")
        return list(raw)

    def write(self, value: Any) -> Any:
        return list(value)


class NumberMap(Kind):
    """An object of id to number (a bidder's figures by criterion)."""

    def read(self, obj: JsonObject, key: str, raw: object) -> Any:
        if not isinstance(raw, dict):
            raise obj.fail(f"'{key}' must be an object of criterion id to number")
        inner = JsonObject(raw, f"{obj.path}.{key}", raw)
        return {k: Number().read(inner, k, v) for k, v in raw.items()}

    def write(self, value: Any) -> Any:
        return {k: number_out(v) for k, v in value.items()}


@dataclass(frozen=True)
class Nested(Kind):
    """An object of another shape."""

    shape: Shape[Any]
    nullable: bool = False

    def read(self, obj: JsonObject, key: str, raw: object) -> Any:
        return self.shape.read(raw, obj.child(key))

    def write(self, value: Any) -> Any:
        return self.shape.write(value)


@dataclass(frozen=True)
class ListOf(Kind):
    """A list of objects of another shape (or of a function giving it, for a shape that
    contains itself, like a criterion's children)."""

    shape: Shape[Any] | Callable[[], Shape[Any]]

    def _shape(self) -> Shape[Any]:
        return self.shape if isinstance(self.shape, Shape) else self.shape()

    def read(self, obj: JsonObject, key: str, raw: object) -> Any:
        if not isinstance(raw, list):
            raise obj.fail(f"'{key}' must be a list")
        shape = self._shape()
        return [shape.read(item, f"{obj.child(key)}[{i}]") for i, item in enumerate(raw)]

    def write(self, value: Any) -> Any:
        shape = self._shape()
        return [shape.write(item) for item in value]


TEXT, IDENT, OPT_TEXT = Kind(), Ident(), OptText()
NUMBER, OPT_NUMBER, FLAG = Number(), OptNumber(), Flag()


def number_out(value: Decimal | None) -> int | float | None:
    """A Decimal as JSON writes it: an int when whole, else a float of its exact text."""
    if value is None:
        return None
    return int(value) if value == value.to_integral_value() else float(dec_str(value))


# -- fields and shapes ----------------------------------------------------------------------

#: When a field is written: "always", "if_set" (its value is not the default), a tuple of
#: criterion kinds (always for those, else if set), or a test on the object being written.
Written = str | tuple[str, ...] | Callable[[Any], bool]


@dataclass(frozen=True)
class Field:
    """One key of a JSON object.

    `attr` is the domain attribute ("" = the key). `check` returns a message when a value read
    is unacceptable (a rule between values belongs to the shape's `build`). `written` says
    when the key is written (see `Written`).
    """

    key: str
    kind: Kind = TEXT
    default: Any = REQUIRED
    written: Written = "always"
    attr: str = ""
    check: Callable[[Any], str | None] | None = None

    @property
    def name(self) -> str:
        return self.attr or self.key

    def read(self, obj: JsonObject) -> Any:
        if self.key not in obj.value:
            if self.default is REQUIRED:
                raise obj.fail(f"missing '{self.key}'")
            return _fresh(self.default)
        raw = obj.value[self.key]
        value = None if raw is None and self.kind.nullable else self.kind.read(obj, self.key, raw)
        problem = self.check(value) if self.check is not None else None
        if problem:
            raise obj.fail(problem)
        return value

    def writes(self, item: Any) -> bool:
        value = getattr(item, self.name)
        if self.written == "always":
            return True
        if self.written == "if_set":
            return bool(value != self.default)
        if isinstance(self.written, tuple):
            return item.kind in self.written or bool(value != self.default)
        assert callable(self.written)
        return self.written(item)


def _fresh(default: Any) -> Any:
    """A default that callers may change (a list, a dict) is copied."""
    return type(default)(default) if isinstance(default, list | dict) else default


def build_as(cls: Callable[..., T]) -> Callable[[JsonObject, dict[str, Any]], T]:
    """The plain build: the domain class called with the fields as keywords."""
    return lambda _obj, values: cls(**values)


@dataclass(frozen=True)
class Shape(Generic[T]):
    """A JSON object type: its fields in the order written, and how they become a domain
    object (`build` may check rules between fields and raise `obj.fail(...)`)."""

    fields: tuple[Field, ...]
    build: Callable[[JsonObject, dict[str, Any]], T]
    keys: frozenset[str] = field(init=False)

    def __post_init__(self) -> None:
        object.__setattr__(self, "keys", frozenset(f.key for f in self.fields))

    def read(self, raw: object, path: str) -> T:
        obj = JsonObject(raw, path, self.keys)
        return self.build(obj, {f.name: f.read(obj) for f in self.fields})

    def write(self, item: T) -> dict[str, Any]:
        return {f.key: f.kind.write(getattr(item, f.name)) for f in self.fields
                if f.writes(item)}
