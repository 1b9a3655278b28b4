"""A form field for choosing a commune of the Gers by name or postal code."""

from wtforms import StringField
from wtforms.validators import StopValidation

from refurb.i18n import lazy_gettext as _l
from refurb.territory.models import Commune
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
        # Initial data is a Commune or an INSEE code; the input shows the readable label.
        if isinstance(value, Commune):
            self.commune, self.data = value, value.insee_code
        else:
            self.commune = find_commune(value) if value else None
            self.data = value

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
            raise StopValidation(
                _l("Commune inconnue dans le Gers : choisissez-la dans la liste proposée.")
            )
        self.commune = commune
        self.data = commune.insee_code
