"""A study file read, overridden and validated into a `Study`, with one message per error.

A bad value is refused with an InputError naming the field (as the user wrote it,
list entries by index), the value and what is allowed, including the field's range
and unit from the schema in `warp.study`.
"""

from __future__ import annotations

import json
import math
import re
import tomllib
import typing
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

from pydantic import BaseModel, ValidationError
from pydantic.fields import FieldInfo

from warp.errors import InputError
from warp.study import Study
from warp.study_toml import section_type


def read_raw(path: str | Path) -> dict:
    """The study file as a raw TOML dict (InputError if missing, unreadable, empty or not
    TOML text)."""
    path = Path(path)
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise InputError(f"{path}: no such study file") from None
    except IsADirectoryError:
        raise InputError(f"{path}: is a folder; give the study file (TOML) inside it") from None
    except UnicodeDecodeError:
        raise InputError(f"{path}: not a text file; a study file is TOML (UTF-8)") from None
    except OSError as exc:
        raise InputError(f"{path}: cannot read the study file ({exc.strerror})") from None
    if not text.strip():
        raise InputError(f"{path}: the study file is empty")
    try:
        return tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise InputError(f"{path}: TOML syntax error: {exc}") from None


def load_study(
    path: str | Path, overrides: Sequence[str] = (), settings: Mapping[str, Any] | None = None
) -> Study:
    """Read, override and validate a study file; InputError names any bad field.

    `overrides` are `--set` strings ("dotted.key=value", the value as TOML); `settings`
    maps dotted keys to Python values, applied after them. A [sweep] table is left to
    `warp sweep` (warp.sweep.spec): this is the base design.
    """
    raw = read_raw(path)
    raw.pop("sweep", None)
    origins = {}  # dotted key -> where its value came from, the last one applied last
    for item in overrides:
        key = apply_override(raw, item)
        origins.pop(key, None)
        origins[key] = f"--set {item.strip()}"
    for key, value in (settings or {}).items():
        set_value(raw, key, value, f"settings[{key!r}]")
        origins.pop(key, None)
        origins[key] = f"settings[{key!r}]"
    return validate_study(raw, source=str(path), origins=origins)


def validate_study(
    raw: dict, source: str = "study", origins: Mapping[str, str] | None = None
) -> Study:
    """Validate a raw study dict, turning the first pydantic error into an InputError.

    Types are strict, in study files and `--set` alike: a boolean is true or false, a
    number is a number (an integer where a float is expected, never a boolean or a text),
    so `refinement = true` and `enabled = "yes"` are refused rather than read as 1.0 and
    true. `origins` maps dotted keys set from outside the file (`--set`) to how they were
    written; an error in such a key, inside a table it set, or in a rule on a table it
    changed names that origin instead of `source`.
    """
    try:
        # JSON input, where strict mode still reads a TOML array as a tuple
        return Study.model_validate_json(json.dumps(raw, default=str), strict=True)
    except ValidationError as exc:
        errors = exc.errors()
        # a union (a material value, a PETSc option) fails once per member; a non-finite
        # number is the member error that explains the refusal
        err = next((e for e in errors if e["type"] == "finite_number"), errors[0])
        origin = _origin(err, raw, origins or {})
        raise InputError(f"{origin or source}: {_describe(err, raw)}") from None


def _origin(err: dict, raw: dict, origins: Mapping[str, str]) -> str | None:
    """The override an error comes from: the one that set its key or a table holding it,
    else one set inside it or inside the section whose rule failed (carrier.kind for the
    carrier's rule on leadframe)."""
    where = _input_loc(err["loc"], raw)
    loc = ".".join(str(p) for p in where)
    key = loc
    msg = err["msg"].removeprefix("Value error, ")
    if err["type"] == "value_error" and msg.startswith(f"{loc}."):
        key = re.match(r"[^\s:=]+", msg).group()  # a rule on a table names its key first
    latest_first = list(reversed(origins.items()))
    for set_key, origin in latest_first:
        if key == set_key or key.startswith(f"{set_key}."):
            return origin
    tables = [key] if key else []
    if loc and loc != key and err["type"] == "value_error" and _model_at(where) is not None:
        tables.append(loc)
    for table in tables:
        for set_key, origin in latest_first:
            if set_key.startswith(f"{table}."):
                return origin
    return None


def apply_override(raw: dict, item: str) -> str:
    """Apply one `--set dotted.key=value` to a raw study dict (value parsed as TOML);
    returns the dotted key."""
    key, sep, text = item.partition("=")
    key = key.strip()
    if not sep or not key:
        raise InputError(f"--set {item!r}: expected key=value, e.g. heat_sink.gap=0.05")
    try:
        value = tomllib.loads(f"v = {text}")["v"]
    except tomllib.TOMLDecodeError:
        value = text.strip()  # a bare word such as a material name
    set_value(raw, key, value, f"--set {key}")
    return key


def set_value(raw: dict, key: str, value: Any, origin: str) -> None:
    """Set a dotted key (list entries by index, e.g. dies.0.thickness) in a raw study dict;
    `origin` names where the key came from in errors."""
    node = raw
    parts = key.split(".")
    for depth, part in enumerate(parts):
        last = depth == len(parts) - 1
        if isinstance(node, list):
            if not part.isdigit() or int(part) >= len(node):
                where = ".".join(parts[:depth])
                raise InputError(
                    f"{origin}: {where} has {len(node)} entries; use an index 0-{len(node) - 1}"
                )
            if last:
                node[int(part)] = value
            else:
                node = node[int(part)]
        elif isinstance(node, dict):
            if last:
                node[part] = value
            else:
                node = node.setdefault(part, {})
        else:
            raise InputError(f"{origin}: '{parts[depth - 1]}' is a value, not a section")


_BOUNDS = {"gt": "greater than", "ge": "at least", "lt": "less than", "le": "at most"}


def _describe(err: dict, raw: dict) -> str:
    where = _input_loc(err["loc"], raw)
    loc = ".".join(str(p) for p in where)
    kind = err["type"]
    if kind == "extra_forbidden":
        allowed = _allowed_keys(where[:-1])
        return f"unknown key '{loc}'; allowed keys here: {', '.join(allowed)}"
    if kind == "missing":
        return f"missing required key '{loc}'"
    value = err.get("input")
    if isinstance(value, float) and not math.isfinite(value):
        kind = "finite_number"  # an integer field refuses inf as a type; say why
    units = _units_of(where)
    unit = f" {units}" if units else ""
    msg = err["msg"]
    if kind in {"greater_than", "greater_than_equal", "less_than", "less_than_equal"}:
        msg = f"must be {_range(where) or msg.removeprefix('Input should be ')}{unit}"
    elif kind == "finite_number":
        msg = "must be a finite number"
    elif kind in {"too_short", "too_long"}:
        ctx = err["ctx"]
        word, key = ("at least", "min_length") if kind == "too_short" else ("at most", "max_length")
        return f"{loc} has {ctx['actual_length']} entries; allowed: {word} {ctx[key]}"
    elif kind == "literal_error":
        msg = msg.replace("Input should be", "allowed values are")
    elif kind.endswith("_type") or kind.endswith("_parsing"):
        msg = msg.replace("Input should be", "expected")
    elif kind == "value_error":
        msg = msg.removeprefix("Value error, ")
        if isinstance(value, dict):  # a rule across several keys of a table
            return msg if loc and msg.startswith(f"{loc}.") else f"{loc or 'study'}: {msg}"
    return f"{loc} = {value!r}: {msg}"


def _model_at(loc: tuple) -> type[BaseModel] | None:
    """The section model at a validation location (list indexes skipped)."""
    model: Any = Study
    for part in loc:
        if isinstance(part, int):
            continue
        if not (isinstance(model, type) and issubclass(model, BaseModel)):
            return None
        field = model.model_fields.get(str(part))
        if field is None:
            return None
        model = section_type(field.annotation)
    return model if isinstance(model, type) and issubclass(model, BaseModel) else None


def _allowed_keys(loc: tuple) -> list[str]:
    model = _model_at(loc)
    return sorted(model.model_fields) if model else []


def _input_loc(loc: tuple, raw: dict) -> tuple:
    """An error location as a path into the input: without the union-member tags pydantic
    inserts (the 'float' of materials.silicon.k.float)."""
    node: Any = raw
    path = []
    for part in loc:
        if isinstance(part, str) and not isinstance(node, dict):
            continue
        path.append(part)
        try:
            node = node[part]
        except (KeyError, IndexError, TypeError):
            node = None
    return tuple(path)


def _field_at(loc: tuple) -> FieldInfo | None:
    """The model field holding a location (indexes into lists and tuples skipped)."""
    parts = [p for p in loc if isinstance(p, str)]
    model = _model_at(tuple(parts[:-1])) if parts else None
    return model.model_fields.get(parts[-1]) if model else None


def _range(loc: tuple) -> str:
    """The bounds declared on the number at a location, e.g. 'greater than 0 and at most 10'."""
    field = _field_at(loc)
    if field is None:
        return ""
    found = {}
    for item in [*field.metadata, *_constraints(field.annotation)]:
        found.update({k: getattr(item, k) for k in _BOUNDS if getattr(item, k, None) is not None})
    return " and ".join(f"{word} {found[k]:g}" for k, word in _BOUNDS.items() if k in found)


def _constraints(annotation: Any) -> list:
    """Constraints inside an annotation, e.g. the bounds of Span in tuple[Span, Span] | None."""
    out = []
    for arg in typing.get_args(annotation):
        out += arg.metadata if isinstance(arg, FieldInfo) else _constraints(arg)
    return out


def _units_of(loc: tuple) -> str:
    field = _field_at(loc)
    extra = (field.json_schema_extra or {}) if field is not None else {}
    return extra.get("units", "")
