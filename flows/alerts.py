"""Alerts through Prefect: `readouts alerts --webhook URL` registers, on the server at
PREFECT_API_URL, one notification block and one automation. A flow run of this project
that ends Failed or Crashed, or Completed named Warned (a drift), posts once through the
block: the flow and the run, the state, its message (which names the source and the exit
code) and a link to the run. A healthy run posts nothing. Registering again replaces what
was there; `--remove` takes it away. A second automation on the same block posts each new
tone shift a run announces (a `readouts.tone-shift` event, flows/shift_alerts.py) once.

The URL: an http(s) URL gets Prefect's custom webhook block (a JSON POST of `subject`,
`body` and `text`); a Slack incoming webhook or any other Apprise URL (`slack://`,
`mailto://`, `msteams://`, `json://` ...) gets Prefect's Apprise-backed webhook block,
which hands the URL to Apprise as it is."""

from __future__ import annotations

from dataclasses import dataclass
from urllib.parse import urlsplit

BLOCK_NAME = "readouts-alerts"
AUTOMATION_NAME = "readouts: a run failed, crashed or warned"
# the flows of flows/pipeline.py (a unit test keeps the two lists the same)
FLOW_NAMES = ("readouts-run", "readouts-build", "readouts-run-sources", "readouts-scheduled")
ALERT_STATES = ("Failed", "Crashed", "Warned")
SUBJECT = "readouts: {{ flow.name }} run {{ flow_run.name }} ended {{ flow_run.state.name }}"
BODY = (
    "readouts: the flow run {{ flow.name }}/{{ flow_run.name }} ended "
    "{{ flow_run.state.name }}.\n"
    "{{ flow_run.state.message }}\n"
    "Run: {{ flow_run|ui_url }}"
)
# tone shifts (flows/shift_alerts.py): one post per new shift, through the same block
SHIFT_AUTOMATION_NAME = "readouts: a new tone shift"
SHIFT_SUBJECT = (
    "readouts: a change of tone with {{ event.payload.counterpart }} ({{ event.payload.kind }})"
)
SHIFT_BODY = "{{ event.payload.message }}"
WEBHOOK_JSON = {"subject": "{{subject}}", "body": "{{body}}", "text": "{{subject}}\n{{body}}"}


@dataclass(frozen=True)
class Registered:
    block_type: str
    automation_id: str

    def line(self) -> str:
        return (
            f"alerts registered: automation {AUTOMATION_NAME!r} ({self.automation_id}) posts "
            f"through the {self.block_type} block {BLOCK_NAME!r} when a readouts run ends "
            f"{', '.join(ALERT_STATES[:-1])} or {ALERT_STATES[-1]}"
        )


def notification_block(url: str):
    """Prefect's notification block for `url` (not saved)."""
    from prefect.blocks.notifications import CustomWebhookNotificationBlock, SlackWebhook

    parts = urlsplit(url)
    if not parts.scheme or not (parts.netloc or parts.path):
        raise ValueError(f"{url!r} is neither an http(s) webhook URL nor an Apprise URL")
    if parts.scheme in ("http", "https") and not (parts.hostname or "").startswith("hooks.slack"):
        return CustomWebhookNotificationBlock(name=BLOCK_NAME, url=url, json_data=WEBHOOK_JSON)
    return SlackWebhook(url=url)  # Apprise takes the URL as it is, whatever its service


def automation(block_document_id):
    """The automation: one post per flow run of this project reaching an alerting state."""
    from prefect.automations import AutomationCore, EventTrigger, Posture, SendNotification

    trigger = EventTrigger(
        expect={f"prefect.flow-run.{state}" for state in ALERT_STATES},
        match={"prefect.resource.id": "prefect.flow-run.*"},
        match_related={"prefect.resource.role": "flow", "prefect.resource.name": list(FLOW_NAMES)},
        for_each={"prefect.resource.id"},
        posture=Posture.Reactive,
        threshold=1,
    )
    action = SendNotification(block_document_id=block_document_id, subject=SUBJECT, body=BODY)
    return AutomationCore(
        name=AUTOMATION_NAME,
        description="Registered by `readouts alerts`; `readouts alerts --remove` removes it.",
        trigger=trigger,
        actions=[action],
    )


def shift_automation(block_document_id):
    """One post per `readouts.tone-shift` event (a shift announced once by a run)."""
    from prefect.automations import AutomationCore, EventTrigger, Posture, SendNotification

    from flows.shift_alerts import EVENT, RESOURCE_PREFIX

    trigger = EventTrigger(
        expect={EVENT},
        match={"prefect.resource.id": f"{RESOURCE_PREFIX}.*"},
        for_each={"prefect.resource.id"},
        posture=Posture.Reactive,
        threshold=1,
    )
    action = SendNotification(
        block_document_id=block_document_id, subject=SHIFT_SUBJECT, body=SHIFT_BODY
    )
    return AutomationCore(
        name=SHIFT_AUTOMATION_NAME,
        description="Registered by `readouts alerts`; `readouts alerts --remove` removes it.",
        trigger=trigger,
        actions=[action],
    )


def _remove(client) -> int:
    """Deletes the automations and blocks of this name; returns how many were deleted."""
    from prefect.exceptions import ObjectNotFound

    removed = 0
    for name in (AUTOMATION_NAME, SHIFT_AUTOMATION_NAME):
        for found in client.read_automations_by_name(name):
            client.delete_automation(found.id)
            removed += 1
    for slug in ("custom-webhook", "slack-webhook"):
        try:
            document = client.read_block_document_by_name(BLOCK_NAME, slug)
        except ObjectNotFound:
            continue
        client.delete_block_document(document.id)
        removed += 1
    return removed


def register(url: str) -> Registered:
    """Replaces whatever `readouts alerts` registered before with one block and one
    automation for `url`."""
    from prefect.client.orchestration import get_client

    block = notification_block(url)
    with get_client(sync_client=True) as client:
        _remove(client)
        block_id = block.save(BLOCK_NAME, overwrite=True)
        automation_id = client.create_automation(automation(block_id))
        client.create_automation(shift_automation(block_id))
    return Registered(block.get_block_type_name(), str(automation_id))


def remove() -> int:
    from prefect.client.orchestration import get_client

    with get_client(sync_client=True) as client:
        return _remove(client)
