"""Vietnamese alphabetical order, the same on every database engine.

Vietnamese sorts by letters first — a ă â b c d đ e ê g h i k l m n o ô ơ p q r s t u ư v x y
(with f j w z of foreign names in their Latin places) — then by tone: level, grave (huyền),
hook (hỏi), tilde (ngã), acute (sắc), dot (nặng). Neither SQLite nor PostgreSQL's usual
collations know this, so records keep a *sort key* made only of digits (two-digit codes;
``00`` ends a part, so a shorter word sorts first), which every collation — even those that
ignore punctuation — orders the same, so ``ORDER BY sort_key`` is Vietnamese order everywhere.

People are listed by given name, then middle name, then family name (``person_sort_key``).
"""

import unicodedata

ALPHABET = "aăâbcdđeêfghijklmnoôơpqrstuưvwxyz"
_LETTER = {ch: i + 20 for i, ch in enumerate(ALPHABET)}
# combining marks of the tones, in dictionary order
_TONES = {"\u0300": 1, "\u0309": 2, "\u0303": 3, "\u0301": 4, "\u0323": 5}
# combining marks that make letters of their own
_LETTER_MARKS = {("a", "\u0306"): "ă", ("a", "\u0302"): "â", ("e", "\u0302"): "ê",
                 ("o", "\u0302"): "ô", ("o", "\u031b"): "ơ", ("u", "\u031b"): "ư"}  # fmt: skip
_END = "00"
_SPACE = "01"
_OTHER = "99"


def _letters(text: str) -> list[tuple[str, int]]:
    """(letter, tone) pairs of ``text``, lower case."""
    result: list[tuple[str, int]] = []
    for ch in text.lower():
        if ch == "đ":
            result.append(("đ", 0))
            continue
        base, *marks = unicodedata.normalize("NFD", ch)
        letter, tone = base, 0
        for mark in marks:
            if (letter, mark) in _LETTER_MARKS:
                letter = _LETTER_MARKS[(letter, mark)]
            elif mark in _TONES:
                tone = _TONES[mark]
        result.append((letter, tone))
    return result


def _primary(pairs) -> str:
    codes = []
    for letter, _tone in pairs:
        if letter == " ":
            codes.append(_SPACE)
        elif letter in _LETTER:
            codes.append(f"{_LETTER[letter]:02d}")
        elif letter.isdigit():
            codes.append(f"1{letter}")
        else:
            codes.append(_OTHER)
    return "".join(codes) + _END


def _tones(pairs) -> str:
    return "".join(str(tone) for letter, tone in pairs if letter in _LETTER)


def vietnamese_sort_key(text: str | None) -> str:
    """A key that sorts ``text`` in Vietnamese dictionary order under any collation."""
    pairs = _letters(" ".join((text or "").split()))
    return _primary(pairs) + _tones(pairs)


def person_sort_key(family: str = "", middle: str = "", given: str = "") -> str:
    """Sort key of a person: given name, then middle name, then family name; tones decide
    only between names whose letters are all the same."""
    parts = [_letters(" ".join((p or "").split())) for p in (given, middle, family)]
    return "".join(_primary(p) for p in parts) + "".join(_tones(p) for p in parts)
