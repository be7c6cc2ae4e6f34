"""Development: the embedded SQLite default, debug pages on, e-mail to the console."""

from .base import *  # noqa: F401

DEBUG = env.bool("DEBUG", default=True)
