"""The handover between `readouts serve` and a work pool, decided from the deployment the
server holds (faked here; tests/flows/test_operator_page.py uses a real server)."""

from __future__ import annotations

import pytest

from flows import handover
from flows.ops.outcomes import EXIT_BUSY, DeploymentClaimed

NAME = "readouts-scheduled/all"


@pytest.mark.parametrize(
    ("found", "is_served"),
    [
        (None, False),
        (handover.Claim(None, 4.0), True),  # serve asked for work 4 s ago
        (handover.Claim(None, 300.0), False),  # serve stopped minutes ago
        (handover.Claim(None, None), False),  # never polled
        (handover.Claim("readouts", 1.0), False),  # a pool's
    ],
)
def test_a_deployment_is_served_while_serve_asks_for_work(found, is_served):
    assert handover.served(found) is is_served


def test_deploy_refuses_while_serve_runs_the_deployment(monkeypatch):
    monkeypatch.setattr(handover, "claim", lambda name: handover.Claim(None, 3.0))
    with pytest.raises(DeploymentClaimed) as refused:
        handover.refuse_deploy_while_served(NAME, "readouts")
    (line,) = str(refused.value).splitlines()
    assert "readouts serve" in line and "stop it first" in line and "Nothing was changed" in line
    assert refused.value.exit_code == EXIT_BUSY
    monkeypatch.setattr(handover, "claim", lambda name: handover.Claim(None, 120.0))
    handover.refuse_deploy_while_served(NAME, "readouts")  # serve stopped: allowed


def test_serve_refuses_while_a_pool_runs_the_deployment(monkeypatch):
    monkeypatch.setattr(handover, "claim", lambda name: handover.Claim("readouts", 2.0))
    with pytest.raises(DeploymentClaimed, match="prefect deployment delete"):
        handover.refuse_serve_while_pooled(NAME)
    monkeypatch.setattr(handover, "claim", lambda name: handover.Claim(None, 2.0))
    handover.refuse_serve_while_pooled(NAME)  # its own deployment: serve runs again
