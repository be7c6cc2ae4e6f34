"""Synthetic exchange rates for ``generate_scale`` (see ``huunghi.aid.scale``): monthly rates
of USD, EUR, JPY, AUD, KRW and GBP over 2016–2026, drawn around State Bank reference levels.
CHF has none on purpose, so that the "missing rate" path has data."""

import datetime
import math
import random
from decimal import Decimal

from huunghi.orgs.scale import ScaleContext, register

from .models import ExchangeRate

BATCH = 1000
RATE_SOURCE = "Tỷ giá mô phỏng (generate_scale)"

# ---------------------------------------------------------------------------------------
# Exchange rates

#: đồng per unit, about mid-year, 2016–2026 (State Bank of Vietnam central/reference rates,
#: rounded); the monthly rates are drawn around the line through them
RATE_ANCHORS = {
    "USD": [22300, 22700, 23000, 23200, 23200, 23000, 23400, 23800, 24800, 25800, 26300],
    "EUR": [24700, 25600, 27100, 26000, 26500, 27200, 24600, 25700, 26800, 29200, 30500],
    "JPY": [205, 202, 208, 213, 217, 210, 180, 170, 164, 173, 170],
    "AUD": [16600, 17400, 17200, 16100, 16000, 17300, 16300, 15800, 16400, 16600, 17200],
    "KRW": [19.2, 20.1, 20.9, 19.9, 19.7, 20.1, 18.1, 18.2, 18.2, 18.3, 18.1],
    "GBP": [30300, 29300, 30700, 29600, 29800, 31700, 28900, 29600, 31700, 34000, 35300],
}
RATE_YEARS = range(2016, 2027)
#: a currency some donors give in and that has no rate: its transactions keep vnd empty
NO_RATE_CURRENCY = "CHF"
#: units of each currency per US dollar, to turn drawn dollar amounts into amounts
PER_USD = {
    "USD": 1,
    "EUR": 0.92,
    "JPY": 140,
    "AUD": 1.5,
    "KRW": 1250,
    "GBP": 0.8,
    "CHF": 0.9,
    "VND": 24000,
}
EURO_COUNTRIES = {"DE", "FR", "NL", "BE", "IT", "ES", "IE", "AT", "FI", "LU"}
CURRENCY_OF = {"JP": "JPY", "KR": "KRW", "AU": "AUD", "GB": "GBP", "CH": "CHF"}
CURRENCY_OF |= dict.fromkeys(EURO_COUNTRIES, "EUR")


def rate_plan(rng: random.Random) -> list[tuple[str, datetime.date, Decimal]]:
    """(currency, first of the month, rate) from January 2016 to December 2026."""
    rows = []
    for currency, anchors in RATE_ANCHORS.items():
        for year in RATE_YEARS:
            for month in range(1, 13):
                # position in years from mid-2016, between the anchors around it
                t = (year - RATE_YEARS[0]) + (month - 6.5) / 12
                i = min(max(int(math.floor(t)), 0), len(anchors) - 2)
                base = anchors[i] + (anchors[i + 1] - anchors[i]) * (t - i)
                rate = Decimal(base * (1 + rng.gauss(0, 0.006))).quantize(Decimal("0.01"))
                rows.append((currency, datetime.date(year, month, 1), rate))
    return rows


@register(order=75)
def exchange_rates(ctx: ScaleContext) -> None:
    """Monthly rates of USD, EUR, JPY, AUD, KRW and GBP over 2016–2026 (none for CHF)."""
    rng = ctx.rng("rates")
    have = set(ExchangeRate.all_objects.values_list("currency", "date"))
    rows = []
    for currency, date, rate in rate_plan(rng):
        if (currency, date) in have:
            continue
        obj = ExchangeRate(currency=currency, date=date, rate=rate, source=RATE_SOURCE)
        obj.search_text = obj.build_search_text()
        rows.append(obj)
    ExchangeRate.objects.bulk_create(rows, batch_size=BATCH)
    ctx.created["exchange rates"] += len(rows)
