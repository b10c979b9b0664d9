"""`Case.copy_to_change` copies only the state's lists and dicts: that is a full copy as long as
everything else a case holds is immutable. This checks it of cases through every stretch of the
Meldcode, and that a change of the copy leaves the original as it was. No I/O."""

from __future__ import annotations

import dataclasses
import uuid
from datetime import date, datetime
from enum import Enum
from typing import Any

import pytest

from .stretches import every_stretch

IMMUTABLE_LEAVES = (type(None), bool, int, float, str, bytes, date, datetime, uuid.UUID, Enum)


def immutable(value: Any) -> bool:
    if isinstance(value, IMMUTABLE_LEAVES):
        return True
    if isinstance(value, tuple | frozenset):
        return all(immutable(v) for v in value)
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        return type(value).__dataclass_params__.frozen and all(  # type: ignore[attr-defined]
            immutable(getattr(value, f.name)) for f in dataclasses.fields(value)
        )
    return False


def copied_fully(value: Any) -> bool:
    """What `copy_to_change` copies fully: an immutable value, or a list/dict/set of them."""
    if type(value) in (list, set):
        return all(immutable(v) for v in value)
    if type(value) is dict:
        return all(immutable(k) and immutable(v) for k, v in value.items())
    return immutable(value)


def test_a_case_holds_only_what_copying_its_lists_and_dicts_copies_fully(cases: Any) -> None:
    for case in every_stretch(cases):
        partial = {
            name: type(value).__name__ for name, value in vars(case).items() if not copied_fully(value)
        }
        assert partial == {}, f"copy_to_change would share these with the original: {partial}"


@pytest.mark.parametrize("which", range(6))
def test_changing_the_copy_leaves_the_original_as_it_was(cases: Any, which: int) -> None:
    case = every_stretch(cases)[which]
    before = {
        name: (value.copy() if type(value) in (list, dict, set) else value)
        for name, value in vars(case).items()
    }
    copy = case.copy_to_change()
    assert vars(copy) == vars(case)
    copy.signal_ids.append(uuid.uuid4())
    copy.zorgteam_members["someone"] = None
    copy.jgz_results.clear()
    if not copy.closed:
        copy.change_owner(new_owner_id="ib-2", by=cases.by)
    assert vars(case) == before
    assert case.pending_events == []
