from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from minsheng import policy

ASSISTANCE_FILES = ("dibao", "assets", "tekun", "orphan", "edge", "rigid_expense", "statistics")


@pytest.fixture(scope="session")
def params(tmp_path_factory: pytest.TempPathFactory) -> policy.ParameterSet:
    """The assistance parameter files alone, so another domain's file in progress cannot break these tests."""
    directory = tmp_path_factory.mktemp("params")
    for name in ASSISTANCE_FILES:
        shutil.copy(policy.PARAMS_DIR / f"{name}.yaml", directory / f"{name}.yaml")
    return policy.load(directory=Path(directory))
