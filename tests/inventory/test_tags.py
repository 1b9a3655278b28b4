"""Tag format: generation, forgiving input, and a check symbol that catches typing errors."""

import random

import pytest

from refurb.errors import InvalidInput
from refurb.inventory.tags import (
    QUASIGROUP,
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
        assert all(s in SYMBOLS for s in body[:6]) and body[6] in SYMBOLS
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


def test_the_table_is_a_quasigroup_so_every_substitution_changes_the_result():
    # Exhaustive: each row and each column is a permutation of the 32 values, so changing any
    # one symbol (payload or check) changes every interim value after it, and the last one is
    # no longer 0.
    everything = set(range(32))
    for x in range(32):
        assert {QUASIGROUP[x][y] for y in range(32)} == everything
        assert {QUASIGROUP[y][x] for y in range(32)} == everything


def test_the_table_is_totally_anti_symmetric_so_every_adjacent_swap_changes_the_result():
    # Exhaustive over the 32 × 32 × 31 cases: reading x then y never gives the interim value
    # of reading y then x, whatever came before; the columns being permutations, the
    # difference lasts to the end.
    for c in range(32):
        for x in range(32):
            for y in range(32):
                if x != y:
                    assert QUASIGROUP[QUASIGROUP[c][x]][y] != QUASIGROUP[QUASIGROUP[c][y]][x]


def test_check_symbols_are_typed_on_letters_and_digits_only():
    checks = {check_symbol("".join(p)) for p in _payloads(5000)}
    assert checks == set(SYMBOLS)  # all 32 occur, and nothing else


@pytest.mark.parametrize("symbol", list("*~$=U"))
def test_the_old_check_symbols_are_refused(symbol):
    with pytest.raises(InvalidInput) as refused:
        parse_tag("GN-4K7PQ2" + symbol, "GN")
    assert refused.value.code == "tag_check_failed"


def test_a_label_url_in_upper_case_reads_as_its_tag():
    tag = format_tag("4K7PQ2", "GN")
    assert parse_tag(f"HTTPS://REFURB.EXAMPLE/T/{tag}", "GN") == tag


def _payloads(n=2000):
    rng = random.Random(37)
    return ["".join(rng.choice(SYMBOLS) for _ in range(6)) for _ in range(n)]


def test_every_single_substitution_of_a_tag_is_refused():
    # The table's property above, seen through parse_tag on whole tags, check symbol included.
    for payload in _payloads(100):
        body = payload + check_symbol(payload)
        for position in range(7):
            for symbol in SYMBOLS:
                if symbol == body[position]:
                    continue
                with pytest.raises(InvalidInput) as refused:
                    parse_tag("GN-" + body[:position] + symbol + body[position + 1 :], "GN")
                assert refused.value.code == "tag_check_failed"


def test_every_adjacent_transposition_of_a_tag_is_refused():
    for payload in _payloads(500):
        body = payload + check_symbol(payload)
        for position in range(6):
            a, b = body[position], body[position + 1]
            if a == b:
                continue
            with pytest.raises(InvalidInput) as refused:
                parse_tag("GN-" + body[:position] + b + a + body[position + 2 :], "GN")
            assert refused.value.code == "tag_check_failed"


def test_a_mistyped_tag_is_refused_before_any_lookup():
    good = format_tag("4K7PQ2", "GN")
    typo = good[:4] + ("M" if good[4] != "M" else "N") + good[5:]
    with pytest.raises(InvalidInput) as refused:
        parse_tag(typo, "GN")
    assert refused.value.code == "tag_check_failed"
    with pytest.raises(InvalidInput) as malformed:
        parse_tag("GN-123", "GN")
    assert malformed.value.code == "tag_malformed"


def test_the_check_symbols_printed_on_labels_do_not_change():
    # A contract with every label already printed: the same payload, the same check symbol.
    assert format_tag("4K7PQ2", "GN") == "GN-4K7PQ2M"  # the example the pages show
    assert format_tag("000000", "GN") == "GN-0000000"
    assert format_tag("7HQ2MX", "GN") == "GN-7HQ2MXB"


def test_a_payload_that_starts_like_the_prefix_is_read_as_a_payload():
    tag = format_tag("GNGNGN", "GN")
    assert parse_tag(tag[3:], "GN") == tag  # typed without the prefix: GNGNGN + check
    assert parse_tag(tag, "GN") == tag


def test_each_refusal_says_what_is_wrong_in_french_and_names_the_field():
    with pytest.raises(InvalidInput) as malformed:
        parse_tag("GN-12", "GN")
    assert malformed.value.message.startswith("Étiquette illisible")
    assert "GN-4K7PQ2M" in malformed.value.message
    assert malformed.value.details == {"tag": "malformed"}
    with pytest.raises(InvalidInput) as typo:
        parse_tag("GN-4K7PQ2Z", "GN")
    assert typo.value.message.replace("\u202f", " ") == (
        "Ce code d'étiquette contient une faute de frappe : vérifiez-le caractère par caractère."
    )
    assert typo.value.details == {"tag": "check_failed"}


def test_the_prefix_is_the_instances_setting_in_upper_case(app):
    with app.app_context():
        app.config["TAG_PREFIX"] = "gers"
        try:
            tag = format_tag("4K7PQ2")
            assert tag == "GERS-4K7PQ2M" and parse_tag("gers 4k7pq2m") == tag
        finally:
            app.config["TAG_PREFIX"] = "GN"
