"""A resolved study printed as TOML, every field with its unit (pure).

`warp check` and the results' `study` attribute use it; a field left unset prints as a
comment, since TOML has no null.
"""

from __future__ import annotations

import json
import typing
from typing import Any

from pydantic import BaseModel


def to_toml(
    data: dict, model: type[BaseModel] | None, units: bool, order: dict, prefix: str = ""
) -> str:
    keys = [k for k in order if k in data] + [k for k in data if k not in order]
    scalars, sections = [], []
    for key in keys:
        value, given, sub = data[key], order.get(key), _sub_model(model, key)
        name = f"{prefix}{_key(key)}"
        if isinstance(value, dict):
            body = to_toml(value, sub, units, given if isinstance(given, dict) else {}, f"{name}.")
            sections.append(f"\n\n[{name}]\n{body}" if body else f"\n\n[{name}]")
        elif isinstance(value, list) and value and all(isinstance(v, dict) for v in value):
            given = given if isinstance(given, list) else []
            for i, item in enumerate(value):  # arrays of tables: [[dies]] then its [dies.bumps]
                item_order = given[i] if i < len(given) and isinstance(given[i], dict) else {}
                body = to_toml(item, sub, units, item_order, f"{name}.")
                sections.append(f"\n\n[[{name}]]\n{body}")
        else:
            scalars.append(_scalar(key, value, model, units))
    out = "\n".join(scalars) + "".join(sections)
    return out.strip("\n") + "\n" if not prefix else out.strip("\n")


def _scalar(key: str, value: Any, model: type[BaseModel] | None, units: bool) -> str:
    """`key = value`, or `# key = (not set)` for None; with `units`, the unit comment."""
    field = model.model_fields.get(key) if model is not None and units else None
    unit = (field.json_schema_extra or {}).get("units") if field else None
    notes = [unit, value is None and field and field.description]
    comment = "; ".join(n for n in notes if n)
    comment = f"  # {comment}" if comment else ""
    if value is None:
        return f"# {_key(key)} = (not set){comment}"
    return f"{_key(key)} = {_value(value)}{comment}"


def section_type(annotation: Any) -> Any:
    """The model inside list[...] or ... | None annotations."""
    for arg in typing.get_args(annotation) or ():
        if isinstance(arg, type) and issubclass(arg, BaseModel):
            return arg
    return annotation


def _sub_model(model: type[BaseModel] | None, key: str) -> type[BaseModel] | None:
    if model is None or key not in model.model_fields:
        return None
    sub = section_type(model.model_fields[key].annotation)
    return sub if isinstance(sub, type) and issubclass(sub, BaseModel) else None


_BARE = frozenset("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789_-")


def _key(key: str) -> str:
    """A bare key when TOML allows one (ASCII letters, digits, _ and -), else quoted."""
    return key if key and set(key) <= _BARE else _string(key)


def _string(text: str) -> str:
    """A TOML basic string; non-ASCII characters as written, control characters escaped."""
    return json.dumps(text, ensure_ascii=False).replace("\x7f", "\\u007f")


def _value(value: Any) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, str):
        return _string(value)
    if isinstance(value, (list, tuple)):
        return "[" + ", ".join(_value(v) for v in value) + "]"
    return repr(value)
