"""French is the source language; the English catalogue must cover every interface string."""

from pathlib import Path

from babel.messages.extract import extract_from_dir
from babel.messages.mofile import read_mo
from babel.messages.pofile import read_po

ROOT = Path(__file__).parent.parent
CATALOGUE = ROOT / "refurb" / "translations" / "en" / "LC_MESSAGES"
METHODS = [("refurb/**.py", "python"), ("refurb/templates/**.html", "jinja2")]
KEYWORDS = {"_": None, "gettext": None, "ngettext": (1, 2), "_l": None, "lazy_gettext": None}


def source_messages() -> set:
    found = set()
    for _file, _line, message, _comments, _context in extract_from_dir(
        str(ROOT), METHODS, keywords=KEYWORDS, options_map={"refurb/templates/**.html": {}}
    ):
        found.add(message[0] if isinstance(message, tuple) else message)
    return found


def english() -> dict:
    with open(CATALOGUE / "messages.po", "rb") as handle:
        catalogue = read_po(handle, locale="en")
    return {
        (m.id[0] if isinstance(m.id, tuple) else m.id): m.string
        for m in catalogue
        if m.id and not m.fuzzy
    }


def test_every_interface_string_has_an_english_translation():
    translated = {k for k, v in english().items() if (any(v) if isinstance(v, tuple) else v)}
    missing = sorted(source_messages() - translated)
    assert missing == [], "run `make translations` and translate these"


def messages(catalogue) -> dict:
    """What a catalogue translates: id (with plural) → string(s), headers and fuzzy aside."""

    def plain(value):
        return tuple(value) if isinstance(value, list | tuple) else value

    return {plain(m.id): plain(m.string) for m in catalogue if m.id and not m.fuzzy and m.string}


def test_the_compiled_catalogue_is_up_to_date():
    """The .mo says what the .po says (messages, plurals), whatever Babel wrote in its header."""
    with open(CATALOGUE / "messages.po", "rb") as handle:
        source = messages(read_po(handle, locale="en"))
    with open(CATALOGUE / "messages.mo", "rb") as handle:
        compiled = messages(read_mo(handle))
    assert compiled == source, "run `make translations`"
