from .activities import (
    FULL_WEIGHT,
    LIVE_FIELDS,
    ActivityBeneficiary,
    ActivityDonor,
    ActivityLocation,
    ActivitySector,
    AidActivity,
    equal_shares,
    share_weight,
)
from .needs import NeedBeneficiary, NeedItem, NeedsEdition
from .reference import AidForm, BeneficiaryGroup, ExchangeRate, Sector
from .transactions import AidTransaction, RateRecomputation

__all__ = [
    "FULL_WEIGHT",
    "LIVE_FIELDS",
    "ActivityBeneficiary",
    "ActivityDonor",
    "ActivityLocation",
    "ActivitySector",
    "AidActivity",
    "AidForm",
    "AidTransaction",
    "BeneficiaryGroup",
    "ExchangeRate",
    "NeedBeneficiary",
    "NeedItem",
    "NeedsEdition",
    "RateRecomputation",
    "Sector",
    "equal_shares",
    "share_weight",
]
