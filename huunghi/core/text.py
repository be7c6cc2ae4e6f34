"""Text normalisation for search that ignores diacritics, case and spacing."""

import re
import unicodedata

_SPACES = re.compile(r"\s+")
# "đ" is a letter of its own in Unicode, not "d" plus a mark, so NFD leaves it alone.
_EXTRA = str.maketrans({"đ": "d", "Đ": "d"})


def normalise(value: object) -> str:
    """Return ``value`` folded for search: no diacritics, lower case, single spaces.

    "Đồng Tháp", "dong thap" and "DONG  THAP" all give "dong thap".
    """
    if value is None:
        return ""
    text = str(value).translate(_EXTRA)
    text = unicodedata.normalize("NFD", text)
    text = "".join(ch for ch in text if unicodedata.category(ch) != "Mn")
    return _SPACES.sub(" ", text).strip().lower()
