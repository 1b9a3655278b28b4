"""French typography, French plurals and decimal numbers, applied in refurb.i18n."""

from contextlib import contextmanager
from pathlib import Path

import pytest
from babel.messages.extract import extract_from_dir
from flask import render_template_string, session

from refurb.i18n import decimal, gettext, ngettext

ROOT = Path(__file__).parent.parent
NNBSP = "\u202f"


@contextmanager
def speaking(app, language):
    with app.test_request_context("/"):
        session["lang"] = language
        yield


def test_french_holds_the_punctuation_to_its_word(app):
    with speaking(app, "fr"):
        assert gettext("Horaires : %(h)s", h="9 h : 12 h") == f"Horaires{NNBSP}: 9 h : 12 h"
        assert gettext("Le formulaire contient des erreurs : corrigez les champs signalés.") == (
            f"Le formulaire contient des erreurs{NNBSP}: corrigez les champs signalés."
        )
        assert gettext("Modifier « %(name)s »", name="Atelier") == (
            f"Modifier «{NNBSP}Atelier{NNBSP}»"
        )


@pytest.mark.parametrize(
    "text",
    [
        "https://exemple.fr/a?b=1",
        "à 12:30",
        "%(a)s:%(b)s",
        '<a href="/x?y=1">lien</a>',
        "Pas d'espace: ni avant;ni après!",
        "",
    ],
)
def test_french_spacing_leaves_what_has_no_space_before_the_mark(app, text):
    with speaking(app, "fr"):
        assert gettext(text) == text


def test_english_keeps_its_own_spaces(app):
    with speaking(app, "en"):
        assert NNBSP not in gettext("Horaires : %(h)s", h="9 h")


def test_jinja_templates_get_the_same_french_spacing(app):
    source = (
        '{{ _("Vérification : %(n)s lignes", n="a : b") }} '
        '{{ ngettext("%(num)d appareil ?", "%(num)d appareils ?", 3) }}'
    )
    with speaking(app, "fr"):
        shown = render_template_string(source)
    # The message's own spaces change, not those of the values put into it.
    assert shown == f"Vérification{NNBSP}: a : b lignes 3 appareils{NNBSP}?"


@pytest.mark.parametrize(
    ("count", "expected"), [(0, "0 appareil"), (1, "1 appareil"), (23, "23 appareils")]
)
def test_french_plural_is_singular_for_zero_and_one(app, count, expected):
    with speaking(app, "fr"):
        assert ngettext("%(num)d appareil", "%(num)d appareils", count) == expected
        page = render_template_string(
            '{{ ngettext("%(num)d appareil", "%(num)d appareils", n) }}', n=count
        )
        assert page == expected


def test_english_plural_keeps_its_rule(app):
    with speaking(app, "en"):
        assert ngettext("%(num)d essai", "%(num)d essais", 0) == "0 essais"  # no catalogue entry
        assert ngettext("%(num)d essai", "%(num)d essais", 1) == "1 essai"


def test_decimals_have_a_comma_in_french_and_a_point_in_english(app):
    with speaking(app, "fr"):
        assert (decimal(1.9), decimal(250.059), decimal(17, fixed=True)) == ("1,9", "250,1", "17,0")
        assert decimal(1234.5) == f"1{NNBSP}234,5"
        assert render_template_string("{{ 1.95|decimal(2) }} kg") == "1,95 kg"
    with speaking(app, "en"):
        assert (decimal(1.9), decimal(17, fixed=True)) == ("1.9", "17.0")
    assert decimal(78.0, fixed=True, locale="fr") == "78,0"  # a French document, whoever prints


# Words that take a capital as a heading or a label and none inside a sentence.
LABEL_AND_WORD = {
    "en retard",
    "foyer",
    "modèle",
    "non",
    "oui",
    "n° de série",
    "système",
    "type",
    "à effacer",
}


def test_a_message_is_written_with_one_capitalisation():
    methods = [("refurb/**.py", "python"), ("refurb/templates/**.html", "jinja2")]
    keywords = {"_": None, "gettext": None, "ngettext": (1, 2), "_l": None, "lazy_gettext": None}
    by_case: dict[str, set] = {}
    for _file, _line, message, _comments, _context in extract_from_dir(
        str(ROOT), methods, keywords=keywords, options_map={"refurb/templates/**.html": {}}
    ):
        for text in message if isinstance(message, tuple) else (message,):
            by_case.setdefault(text.lower(), set()).add(text)
    twice = {k: v for k, v in by_case.items() if len(v) > 1 and k not in LABEL_AND_WORD}
    assert twice == {}


@pytest.mark.parametrize("language", ["fr", "en"])
@pytest.mark.parametrize("fmt", ["short", "medium", "long", "full", "d MMMM y", "d MMMM y HH:mm"])
def test_dates_read_as_babel_writes_them_from_patterns_looked_up_once(app, language, fmt):
    """format_date and format_datetime use patterns kept per format and locale: the same text
    as babel's own functions, across a year in Paris (both changes of time included)."""
    from datetime import UTC, datetime, timedelta

    from babel import dates

    from refurb.db_types import PARIS
    from refurb.i18n import format_date, format_datetime, local

    with speaking(app, language):
        moment = datetime(2025, 1, 1, 0, 30, tzinfo=UTC)
        for _ in range(24 * 365 // 7):
            paris = local(moment)
            assert format_datetime(moment, fmt) == dates.format_datetime(
                paris, fmt, tzinfo=PARIS, locale=language
            )
            if "H" not in fmt:  # a date has no hours
                day = dates.format_date(paris.date(), fmt, locale=language)
                assert format_date(moment, fmt) == day
            moment += timedelta(hours=7)
        naive = datetime(2025, 3, 30, 1, 30)  # stored instants are UTC, naive or not
        assert format_datetime(naive, fmt) == format_datetime(naive.replace(tzinfo=UTC), fmt)


def _labelled_enums():
    import refurb.loans.enums
    import refurb.maintenance.enums
    from refurb.inventory.enums import Labelled

    found, waiting = [], list(Labelled.__subclasses__())
    while waiting:
        kind = waiting.pop()
        found.append(kind)
        waiting.extend(kind.__subclasses__())
    assert refurb.loans.enums and refurb.maintenance.enums  # their enums are subclasses too
    return found


@pytest.mark.parametrize("language", ["fr", "en"])
def test_members_of_two_enums_with_one_value_keep_their_own_labels(app, language):
    """State.PARTS == DiagnosisOutcome.PARTS ("parts"): equal, and labelled each its own way,
    whichever is shown first."""
    kinds = _labelled_enums()
    shared = {}
    for kind in kinds:
        for member in kind:
            shared.setdefault(member.value, []).append(member)
    colliding = [members for members in shared.values() if len(members) > 1]
    assert colliding  # "other", "parts", "cancelled"… exist in several vocabularies
    with speaking(app, language):
        for members in colliding:
            for order in (members, members[::-1]):
                for member in order:
                    assert member.label == str(type(member).LABELS()[member]), member


def test_documents_name_in_french_whatever_the_reader_s_language(app):
    from refurb.inventory.enums import Category
    from refurb.inventory.models import Device

    device = Device(category=Category.LAPTOP, brand="Dell", model="Latitude")
    with speaking(app, "en"):
        assert Category.LAPTOP.label == "Laptop"
        assert Category.LAPTOP.french == "Ordinateur portable"
        assert device.full_title == "Ordinateur portable — Dell Latitude"
