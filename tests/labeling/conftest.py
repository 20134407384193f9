"""Fixtures of the labeling tests: an object store in tmp_path and a small rule set."""

from __future__ import annotations

from pathlib import Path

import pytest

from tasks_support_system_ai.labeling import KeywordRule, KeywordRules
from tasks_support_system_ai.storage import LocalObjectStore


@pytest.fixture
def objects(tmp_path: Path) -> LocalObjectStore:
    return LocalObjectStore(tmp_path / "objects")


@pytest.fixture
def rules() -> KeywordRules:
    return KeywordRules(
        [
            KeywordRule("платеж", "billing", priority=1),
            KeywordRule("интернет", "internet"),
            KeywordRule("роуминг", "roaming"),
            KeywordRule("пароль", "access"),
        ]
    )
