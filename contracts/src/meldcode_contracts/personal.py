"""Marking of personal data in contract models.

A field annotated with `Personal[...]` carries data that identifies a pupil or a person. The
marking ends up in the JSON Schema (`x-personal-data: true`) so that reporting, exports and
erasure can find those fields without knowing each event by heart.
"""

from __future__ import annotations

from typing import Annotated, Any, TypeVar

from pydantic import BaseModel, Field

T = TypeVar("T")

PERSONAL_DATA_KEY = "x-personal-data"

Personal = Annotated[T, Field(json_schema_extra={PERSONAL_DATA_KEY: True})]


def is_personal(model: type[BaseModel], field_name: str) -> bool:
    extra = model.model_fields[field_name].json_schema_extra
    return isinstance(extra, dict) and extra.get(PERSONAL_DATA_KEY) is True


def personal_field_names(model: type[BaseModel]) -> frozenset[str]:
    """The names of the fields of `model` that are marked as personal data."""
    return frozenset(name for name in model.model_fields if is_personal(model, name))


def without_personal_data(model: BaseModel) -> dict[str, Any]:
    """The model as a dict with every personal field left out (for logs and aggregates)."""
    hidden = personal_field_names(type(model))
    return {k: v for k, v in model.model_dump(mode="json").items() if k not in hidden}
