"""Marking of personal data in contract models.

A field annotated with `Personal[...]` carries data that identifies a pupil or a person. The
marking ends up in the JSON Schema (`x-personal-data: true`) so that reporting, exports and
erasure can find those fields without knowing each event by heart.
"""

from __future__ import annotations

import functools
import types
import typing
from typing import Annotated, Any, TypeVar

from pydantic import BaseModel, Field, TypeAdapter, ValidationError

from meldcode_vocabulary.erasure import ERASED as ERASED  # the contracts keep naming it

T = TypeVar("T")

PERSONAL_DATA_KEY = "x-personal-data"

Personal = Annotated[T, Field(json_schema_extra={PERSONAL_DATA_KEY: True})]


def is_personal(model: type[BaseModel], field_name: str) -> bool:
    extra = model.model_fields[field_name].json_schema_extra
    return isinstance(extra, dict) and extra.get(PERSONAL_DATA_KEY) is True


@functools.cache  # models are classes: what they mark never changes while the process runs
def personal_field_names(model: type[BaseModel]) -> frozenset[str]:
    """The names of the fields of `model` that are marked as personal data."""
    return frozenset(name for name in model.model_fields if is_personal(model, name))


def without_personal_data(model: BaseModel) -> dict[str, Any]:
    """The model as a dict with every personal field left out (for logs and aggregates)."""
    hidden = personal_field_names(type(model))
    return {k: v for k, v in model.model_dump(mode="json").items() if k not in hidden}


def erased_value(model: type[BaseModel], field_name: str) -> Any:
    """What the personal field reads as after erasure: "[gewist]" where the field holds text, a
    list with "[gewist]" for a list of texts, otherwise null (the field type must then allow it)."""
    adapter: TypeAdapter[Any] = TypeAdapter(model.model_fields[field_name].annotation or Any)
    for candidate in (ERASED, [ERASED], None):
        try:
            return adapter.validate_python(candidate)
        except ValidationError:
            continue
    raise TypeError(f"{model.__name__}.{field_name} is personal but has no erased value")


def _models_in(annotation: Any) -> list[type[BaseModel]]:
    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        return [annotation]
    origin = typing.get_origin(annotation)
    if origin is None and not isinstance(annotation, types.UnionType):
        return []
    return [m for arg in typing.get_args(annotation) for m in _models_in(arg)]


@functools.cache  # read only: callers must not change the dict
def nested_models(model: type[BaseModel]) -> dict[str, type[BaseModel]]:
    """The fields of `model` that hold another model (or a list or optional of one), by name."""
    found: dict[str, type[BaseModel]] = {}
    for name, info in model.model_fields.items():
        inner = _models_in(info.annotation)
        if inner:
            found[name] = inner[0]
    return found
