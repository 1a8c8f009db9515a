"""SMS length: GSM 03.38 (7-bit, the extension table counting double) against UCS-2, and the
parts a long text is cut into (160/153 against 70/67)."""

import pytest
from hypothesis import given
from hypothesis import strategies as st

from tod.outbox.channels.base import MessageRefused
from tod.outbox.channels.segments import (
    GSM7,
    GSM_BASIC,
    GSM_EXTENSION,
    UCS2,
    sms_length,
    sms_parts,
)
from tod.outbox.channels.sms import check_length, e164

gsm_text = st.text(alphabet=sorted(GSM_BASIC | GSM_EXTENSION), max_size=800)
any_text = st.text(max_size=400)


def test_danish_letters_are_gsm_and_fill_160_per_sms():
    assert sms_length("æøå ÆØÅ").encoding == GSM7
    assert sms_length("å" * 160) == sms_length("a" * 160)
    assert sms_length("ø" * 160).segments == 1
    assert sms_length("ø" * 161).segments == 2
    assert sms_length("ø" * 306).segments == 2 and sms_length("ø" * 307).segments == 3


def test_the_extension_table_counts_double():
    assert sms_length("€").units == 2
    assert sms_length("{}[]~|^\\€").units == 18
    assert sms_length("€" * 80).segments == 1 and sms_length("€" * 81).segments == 2


def test_an_escape_pair_is_never_cut_between_two_parts():
    text = "a" * 152 + "€" + "b" * 10  # the € would start at septet 153 of the first part
    parts = sms_parts(text)
    assert parts[0] == "a" * 152 and parts[1].startswith("€")


def test_an_emoji_sends_the_whole_text_as_ucs2():
    assert sms_length("Hej Maria 🙂").encoding == UCS2
    assert sms_length("🙂").units == 2  # outside the BMP: a surrogate pair
    assert sms_length("æ" * 69 + "🙂").segments == 2  # 71 units
    assert sms_length("æ" * 68 + "🙂").segments == 1  # 70 units
    assert sms_length("ł").encoding == UCS2  # Polish ł is in no GSM table
    assert sms_length("ø" * 67 + "ł").segments == 1
    assert sms_length("ø" * 70 + "ł").segments == 2
    assert sms_length("ø" * 133 + "ł").segments == 2 and sms_length("ø" * 134 + "ł").segments == 3


def test_a_surrogate_pair_is_never_cut_between_two_parts():
    parts = sms_parts("x" * 66 + "🙂" + "y" * 10)
    assert parts[0] == "x" * 66 and parts[1].startswith("🙂")


@given(gsm_text)
def test_gsm_texts_count_septets(text):
    length = sms_length(text)
    assert length.encoding == GSM7
    assert length.units == len(text) + sum(c in GSM_EXTENSION for c in text)
    assert (length.segments == 1) == (length.units <= 160)


@given(any_text)
def test_the_parts_rebuild_the_text_and_each_fits_one_sms(text):
    length = sms_length(text)
    parts = sms_parts(text)
    assert "".join(parts) == text
    limit = {GSM7: 153, UCS2: 67}[length.encoding] if len(parts) > 1 else length.per_segment
    for part in parts:
        units = (
            sms_length(part).units
            if length.encoding == GSM7
            else len(part.encode("utf-16-le")) // 2
        )
        assert units <= limit
    assert length.segments == max(1, len(parts))
    assert length.segments >= -(-length.units // length.per_segment)


@given(any_text, st.characters())
def test_a_longer_text_never_takes_fewer_sms(text, extra):
    assert sms_length(text + extra).segments >= sms_length(text).segments


@given(gsm_text, st.characters(blacklist_categories=["Cs"]).filter(
    lambda c: c not in GSM_BASIC and c not in GSM_EXTENSION))  # fmt: skip
def test_one_character_outside_gsm_makes_it_ucs2(text, foreign):
    assert sms_length(text + foreign).encoding == UCS2


def test_a_text_over_the_maximum_is_refused_with_a_clear_reason(settings):
    settings.OUTBOX_SMS_MAX_SEGMENTS = 2
    check_length("ø" * 306)
    with pytest.raises(MessageRefused, match=r"needs 3 SMS \(307 GSM 03.38 characters\)"):
        check_length("ø" * 307)


@pytest.mark.parametrize(
    "number, expected",
    [("20 20 20 20", "+4520202020"), ("+45 20202020", "+4520202020"),
     ("004520202020", "+4520202020"), ("+46 70 123 45 67", "+46701234567")],
)  # fmt: skip
def test_numbers_are_normalised_to_e164_with_denmark_as_the_default_region(number, expected):
    assert e164(number) == expected


@pytest.mark.parametrize("number", ["", "hello", "+45 123", "1234567890123456789"])
def test_what_is_no_phone_number_is_refused(number):
    with pytest.raises(MessageRefused):
        e164(number)
