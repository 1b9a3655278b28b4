"""Tag format: generation, forgiving input, and a check symbol that catches typing errors."""

import random

import pytest

from refurb.errors import InvalidInput
from refurb.inventory.tags import (
    CHECK_SYMBOLS,
    SYMBOLS,
    check_symbol,
    format_tag,
    generate_tag,
    parse_tag,
)


def test_generated_tags_have_the_format_and_do_not_collide(monkeypatch):
    # Seeded, so the result does not depend on chance: about 4.7 repeats are expected among
    # 100,000 draws of 32^6 ≈ 1.07 billion payloads (n² / 2N), and a repeat is refused anyway
    # by the unique tag when a device claims it.
    import random

    seeded = random.Random(32)
    monkeypatch.setattr("refurb.inventory.tags.secrets.choice", seeded.choice)
    generated = {generate_tag("GN") for _ in range(100_000)}
    assert len(generated) >= 99_990
    for tag in list(generated)[:1000]:
        prefix, body = tag.split("-")
        assert prefix == "GN" and len(body) == 7
        assert all(s in SYMBOLS for s in body[:6]) and body[6] in CHECK_SYMBOLS
        assert parse_tag(tag, "GN") == tag


@pytest.mark.parametrize(
    "typed",
    [
        "gn-4k7pq2x{c}",
        "GN 4K7 PQ2X{c}",
        "4K7PQ2X{c}",
        "gn4k7pq2x{c}",
        "https://refurb.example/t/GN-4K7PQ2X{c}",
    ],
)
def test_input_is_forgiving(typed):
    canonical = format_tag("4K7PQ2", "GN")
    typed = typed.replace("x{c}", canonical[-1].lower()).replace("X{c}", canonical[-1])
    assert parse_tag(typed, "GN") == canonical


def test_letters_that_look_like_digits_are_read_as_digits():
    canonical = format_tag("101010", "GN")
    assert parse_tag("GN-IOLOIO" + canonical[-1], "GN") == canonical


def _payloads(n=2000):
    rng = random.Random(37)
    return ["".join(rng.choice(SYMBOLS) for _ in range(6)) for _ in range(n)]


def test_every_single_substitution_is_caught():
    for payload in _payloads(300):
        check = check_symbol(payload)
        for position in range(6):
            for symbol in SYMBOLS:
                if symbol == payload[position]:
                    continue
                typo = payload[:position] + symbol + payload[position + 1 :]
                assert check_symbol(typo) != check, (payload, typo)


def test_every_adjacent_transposition_is_caught():
    for payload in _payloads():
        check = check_symbol(payload)
        for position in range(5):
            a, b = payload[position], payload[position + 1]
            if a == b:
                continue
            swapped = payload[:position] + b + a + payload[position + 2 :]
            assert check_symbol(swapped) != check, (payload, swapped)


def test_a_mistyped_tag_is_refused_before_any_lookup():
    good = format_tag("4K7PQ2", "GN")
    typo = good[:4] + ("M" if good[4] != "M" else "N") + good[5:]
    with pytest.raises(InvalidInput) as refused:
        parse_tag(typo, "GN")
    assert refused.value.code == "tag_check_failed"
    with pytest.raises(InvalidInput) as malformed:
        parse_tag("GN-123", "GN")
    assert malformed.value.code == "tag_malformed"
