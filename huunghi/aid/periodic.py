"""Periodic jobs of aid."""

import datetime

from huunghi.core.scheduling import register

from .services.activities import activity_flag_stalled


@register("aid_flag_stalled", every=datetime.timedelta(days=1))
def flag_stalled_activities():
    """Flag approved activities with no disbursement six months after approval."""
    flagged, cleared = activity_flag_stalled()
    return f"flagged {flagged}, cleared {cleared}"
