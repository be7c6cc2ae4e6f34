"""The periodic-job registry. Apps declare jobs in their ``periodic.py``; the runner
(``manage.py run_periodic``) runs each one that is due, once across all processes."""

import datetime
from collections.abc import Callable
from dataclasses import dataclass

_jobs: dict[str, "PeriodicJob"] = {}


@dataclass(frozen=True)
class PeriodicJob:
    name: str
    every: datetime.timedelta
    func: Callable[[], str | None]


def register(name: str, every: datetime.timedelta):
    """Decorator: run the function every ``every``; it may return a line for the log."""

    def decorator(func):
        _jobs[name] = PeriodicJob(name=name, every=every, func=func)
        return func

    return decorator


def registered_jobs() -> dict[str, PeriodicJob]:
    from django.utils.module_loading import autodiscover_modules

    autodiscover_modules("periodic")
    return dict(_jobs)
