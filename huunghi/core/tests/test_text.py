"""Search folding: what a user types finds what was written, whatever the accents."""

import unicodedata

import pytest

from huunghi.core.text import normalise


@pytest.mark.parametrize(
    "typed",
    ["Đồng Tháp", "dong thap", "DONG  THAP", "ĐỒNG THÁP", "  Dong\tThap\n", "đồng tháp"],
)
def test_every_spelling_of_a_name_folds_to_the_same_text(typed):
    assert normalise(typed) == "dong thap"


def test_d_with_stroke_becomes_d_in_both_cases():
    assert normalise("Đà Nẵng đường") == "da nang duong"


def test_all_vietnamese_tone_and_vowel_marks_are_removed():
    assert normalise("Nguyễn Thị Hường") == "nguyen thi huong"
    assert normalise("Hội hữu nghị Việt Nam – Lào") == "hoi huu nghi viet nam – lao"
    assert normalise("ắằẳẵặ ấầẩẫậ ếềểễệ ốồổỗộ ớờởỡợ ứừửữự") == (
        "aaaaa aaaaa eeeee ooooo ooooo uuuuu"
    )


def test_precomposed_and_decomposed_input_give_the_same_text():
    composed = unicodedata.normalize("NFC", "Khánh Hòa")
    decomposed = unicodedata.normalize("NFD", "Khánh Hòa")
    assert composed != decomposed
    assert normalise(composed) == normalise(decomposed) == "khanh hoa"


def test_nothing_gives_empty_text_and_other_values_are_read_as_text():
    assert normalise(None) == ""
    assert normalise("") == ""
    assert normalise("   ") == ""
    assert normalise(2026) == "2026"


def test_letters_digits_and_punctuation_other_than_spaces_are_kept():
    assert normalise("Số 351-TB/LHHN") == "so 351-tb/lhhn"
