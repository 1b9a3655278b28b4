"""A form field for choosing a commune of the Gers by name or postal code."""

from flask_babel import lazy_gettext as _l
from wtforms import StringField, ValidationError

from refurb.territory.services import find_commune


class CommuneField(StringField):
    """Text input tied to the page's list of communes; its data is the INSEE code."""

    def __init__(self, label=None, validators=None, **kwargs):
        render_kw = {"list": "communes-list", "autocomplete": "off"}
        render_kw.update(kwargs.pop("render_kw", {}) or {})
        kwargs.setdefault(
            "description", _l("Tapez le nom ou le code postal, puis choisissez dans la liste.")
        )
        super().__init__(label, validators, render_kw=render_kw, **kwargs)
        self.commune = None

    def process_data(self, value):
        # Initial data is an INSEE code; show the readable label.
        self.data = value
        commune = find_commune(value) if value else None
        self.commune = commune

    def _value(self):
        if self.raw_data:
            return self.raw_data[0]
        return self.commune.label if self.commune else ""

    def pre_validate(self, form):
        if not self.raw_data or not (self.raw_data[0] or "").strip():
            self.data = None
            return
        commune = find_commune(self.raw_data[0])
        if commune is None:
            self.data = None
            raise ValidationError(
                _l("Commune inconnue dans le Gers : choisissez-la dans la liste proposée.")
            )
        self.commune = commune
        self.data = commune.insee_code
