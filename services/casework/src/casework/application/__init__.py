"""The casework application: the use cases of steps 3-6 (see `casework.py`), the ports through
which they learn what the case does not hold (`ports.py`), and how each command changes a case
(`case_changes.py`)."""

from .casework import CaseChangedConcurrently, CaseworkApplication
from .ports import CaseFacts, SchoolAccess

__all__ = ["CaseChangedConcurrently", "CaseFacts", "CaseworkApplication", "SchoolAccess"]
