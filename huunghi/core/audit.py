"""Who is acting, and the audit trail of every create, update, delete and restore.

The actor is set once per request by ``ActorMiddleware`` (and by services and commands
through ``acting_as``); models read it when they write their log entries, so no write can
forget to say who made it.
"""

import contextvars
import datetime
import decimal
import uuid
from contextlib import contextmanager

from django.db.models.fields.files import FieldFile

_actor: contextvars.ContextVar = contextvars.ContextVar("huunghi_actor", default=None)

CREATE = "huunghi.create"
EDIT = "huunghi.edit"
DELETE = "huunghi.delete"
RESTORE = "huunghi.restore"
# Fields that change on every save and say nothing to a reader of the history.
UNAUDITED_FIELDS = {
    "version",
    "updated_at",
    "created_at",
    "search_text",
    "user_sort_key",
    "sort_key",
    "name_key",
    "phone_key",
    "personal_search_text",
    "deleted_at",
    "deleted_by",
    # treebeard's bookkeeping of the tree
    "path",
    "depth",
    "numchild",
}


REDACTED = "•••"


def get_actor():
    """The user on whose behalf the current code runs, or None (system, migrations)."""
    return _actor.get()


@contextmanager
def acting_as(user):
    """Run a block on behalf of ``user``: its writes are logged with that user."""
    token = _actor.set(user)
    try:
        yield user
    finally:
        _actor.reset(token)


def set_actor(user):
    return _actor.set(user)


def reset_actor(token):
    _actor.reset(token)


def _plain(value):
    """A JSON-safe, human-readable form of a field value for the log."""
    if value is None or isinstance(value, bool | int | float | str):
        return value
    if isinstance(value, datetime.datetime | datetime.date | datetime.time):
        return value.isoformat()
    if isinstance(value, decimal.Decimal | uuid.UUID):
        return str(value)
    if isinstance(value, FieldFile):
        return value.name or None
    if isinstance(value, list | tuple):
        return [_plain(v) for v in value]
    if isinstance(value, dict):
        return {str(k): _plain(v) for k, v in value.items()}
    return str(value)


def snapshot(instance, loaded: dict | None = None) -> dict:
    """The audited field values of ``instance``, keyed by field name.

    With ``loaded`` (attname → value as read from the database), only those fields are
    taken, so deferred fields are never fetched one by one.
    """
    values = {}
    for field in instance._meta.concrete_fields:
        if field.name in UNAUDITED_FIELDS or field.primary_key:
            continue
        if loaded is not None:
            if field.attname in loaded:
                values[field.name] = _plain(loaded[field.attname])
        elif field.attname not in instance.get_deferred_fields():
            values[field.name] = _plain(getattr(instance, field.attname))
    return values


def diff(before: dict, after: dict) -> dict:
    """``{field: [before, after]}`` for the fields whose value changed."""
    return {
        name: [before.get(name), value]
        for name, value in after.items()
        if before.get(name) != value
    }


def write_log(instance, action: str, changes: dict | None = None):
    """Record ``action`` on ``instance`` in the log that the admin history shows."""
    from wagtail.log_actions import log

    changes = dict(changes or {})
    # Personal data stays out of the log, which every viewer of the record can read: the
    # log says that such a field changed, not its values.
    for name in getattr(type(instance), "audit_redacted_fields", ()):
        if name in changes:
            changes[name] = [REDACTED if v not in (None, "") else v for v in changes[name]]
    data = {"changes": changes}
    actor = get_actor()
    user = actor if actor is not None and getattr(actor, "is_authenticated", False) else None
    log(instance=instance, action=action, user=user, data=data)
