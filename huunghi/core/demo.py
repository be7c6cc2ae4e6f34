"""The demo-data registry: each app contributes a step in its ``demo.py``; ``load_demo``
runs them in order. Steps are idempotent and use synthetic names only."""

from collections.abc import Callable

_steps: list[tuple[int, str, Callable]] = []

DEMO_PASSWORD = "huunghi-demo-2026"  # noqa: S105 (published demo password, dev only)


def register(order: int):
    def decorator(func):
        _steps.append((order, f"{func.__module__}.{func.__name__}", func))
        return func

    return decorator


def steps():
    from django.utils.module_loading import autodiscover_modules

    autodiscover_modules("demo")
    seen = {}
    for order, name, func in sorted(_steps, key=lambda s: (s[0], s[1])):
        seen.setdefault(name, (order, func))
    return [(name, func) for name, (order, func) in seen.items()]
