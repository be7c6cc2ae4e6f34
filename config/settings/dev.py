"""Development: the embedded SQLite default, debug pages on, e-mail to the console."""

from .base import *  # noqa: F401

DEBUG = env.bool("DEBUG", default=True)

# runserver serves static files itself; an empty STATIC_ROOT keeps WhiteNoise quiet.
STATIC_ROOT.mkdir(parents=True, exist_ok=True)
