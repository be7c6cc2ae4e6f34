"""Exchange rates: the rate a transaction uses, and the recomputation of stored đồng values
when a rate changes."""

import bisect
import datetime
from decimal import Decimal

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from huunghi.core import audit
from huunghi.core.money import to_vnd

from ..choices import RecomputeStatus
from ..models import AidTransaction, ExchangeRate, RateRecomputation

BATCH = 2000


def rate_on(currency: str, on: datetime.date) -> ExchangeRate | None:
    """The latest rate of ``currency`` on or before ``on`` (None when there is none)."""
    return (
        ExchangeRate.objects.filter(currency=str(currency).upper(), date__lte=on)
        .order_by("-date")
        .first()
    )


class RateTable:
    """The rates of some currencies held in memory, answering ``on(currency, date)`` like
    ``rate_on`` without a query per transaction (imports and recomputations)."""

    def __init__(self, currencies):
        self._dates: dict[str, list[datetime.date]] = {}
        self._rates: dict[str, list[ExchangeRate]] = {}
        wanted = {str(c).upper() for c in currencies} - {"VND"}
        for rate in ExchangeRate.objects.filter(currency__in=wanted).order_by("currency", "date"):
            self._dates.setdefault(rate.currency, []).append(rate.date)
            self._rates.setdefault(rate.currency, []).append(rate)

    def on(self, currency: str, on: datetime.date) -> ExchangeRate | None:
        dates = self._dates.get(str(currency).upper())
        if not dates:
            return None
        index = bisect.bisect_right(dates, on)
        return self._rates[str(currency).upper()][index - 1] if index else None


def value_at(amount, rate) -> int | None:
    """``amount`` in whole đồng at ``rate`` (None when either is missing)."""
    if amount is None or rate is None:
        return None
    return to_vnd(Decimal(amount), Decimal(rate))


def affected_range(currency: str, on: datetime.date) -> tuple[datetime.date, datetime.date | None]:
    """The dates whose rate is the one of ``on``: from ``on`` until the day before the next
    later rate of the currency (open-ended when there is none)."""
    later = (
        ExchangeRate.objects.filter(currency=currency, date__gt=on)
        .order_by("date")
        .values_list("date", flat=True)
        .first()
    )
    return on, (later - datetime.timedelta(days=1)) if later else None


def recompute_request(*, actor, currency: str, on: datetime.date, reason: str) -> RateRecomputation:
    """Log and queue (after the commit) the recomputation of the transactions that a rate of
    ``currency`` dated ``on`` now governs."""
    from ..tasks import rate_recompute_task

    date_from, date_to = affected_range(currency, on)
    run = RateRecomputation.objects.create(
        currency=currency,
        date_from=date_from,
        date_to=date_to,
        reason=reason,
        requested_by=actor if getattr(actor, "is_authenticated", False) else None,
    )
    transaction.on_commit(lambda: rate_recompute_task.enqueue(run.pk))
    return run


def rate_recompute(run_id: int) -> RateRecomputation:
    """Recompute the stored đồng values of the transactions in the run's currency and dates,
    in batches; only changed rows are written. Logged on the run."""
    run = RateRecomputation.objects.get(pk=run_id)
    run.status = RecomputeStatus.RUNNING
    run.save(update_fields=["status"])
    try:
        rows = AidTransaction.objects.filter(currency=run.currency, date__gte=run.date_from)
        if run.date_to:
            rows = rows.filter(date__lte=run.date_to)
        examined = changed = 0
        ids = list(rows.order_by("pk").values_list("pk", flat=True))
        rates = RateTable([run.currency])
        with audit.acting_as(run.requested_by):
            for start in range(0, len(ids), BATCH):
                batch = list(
                    AidTransaction.objects.filter(pk__in=ids[start : start + BATCH]).only(
                        "pk",
                        "amount",
                        "currency",
                        "date",
                        "rate",
                        "rate_date",
                        "value_vnd",
                        "vnd",
                        "vnd_credited",
                    )
                )
                dirty = []
                for tx in batch:
                    before = (tx.rate, tx.rate_date, tx.value_vnd, tx.vnd)
                    tx.apply_rate(rates)
                    if (tx.rate, tx.rate_date, tx.value_vnd, tx.vnd) != before:
                        dirty.append(tx)
                with transaction.atomic():
                    AidTransaction.objects.bulk_update(
                        dirty, ["rate", "rate_date", "value_vnd", "vnd"]
                    )
                examined += len(batch)
                changed += len(dirty)
        run.examined, run.changed = examined, changed
        run.status = RecomputeStatus.DONE
        run.message = _("%(changed)s of %(examined)s values changed.") % {
            "changed": changed,
            "examined": examined,
        }
    except Exception as exc:  # the run must say it failed, whatever the cause
        run.status = RecomputeStatus.FAILED
        run.message = str(exc)
        raise
    finally:
        run.finished_at = timezone.now()
        run.save()
    return run
