from __future__ import annotations

import pytest


@pytest.fixture
def kernel_aufraeumen():
    from analyse.batch.kernel import alle_beenden

    yield
    alle_beenden()
