"""The task runner is a setting, not a constant: "threads" (Prefect's default thread pool)
or the dotted path of any Prefect TaskRunner class (e.g. prefect_dask.DaskTaskRunner), so
that many sources can run side by side without code changes."""

from __future__ import annotations

import importlib

from flows.settings import Settings


def task_runner(name: str):
    from prefect.task_runners import ThreadPoolTaskRunner

    if name == "threads":
        return ThreadPoolTaskRunner()
    module, _, attribute = name.rpartition(".")
    if not module:
        raise ValueError(f"unknown task runner {name!r}: use 'threads' or a dotted class path")
    return getattr(importlib.import_module(module), attribute)()


def with_task_runner(flow, settings: Settings):
    return flow.with_options(task_runner=task_runner(settings.task_runner))
