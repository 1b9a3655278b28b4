"""Form fields shared by every module."""

from decimal import Decimal, InvalidOperation

from wtforms import DecimalField, IntegerField
from wtforms.validators import StopValidation
from wtforms.widgets import TextInput

from refurb.i18n import lazy_gettext as _l


class FrenchDecimalField(DecimalField):
    """A decimal number as French people type it: "2,5" as well as "2.5", spaces between
    thousands allowed, shown back with a comma and without trailing zeros. A text input with a
    decimal keypad: a browser's number input would drop the comma as it is typed."""

    widget = TextInput()

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("render_kw", {}).setdefault("inputmode", "decimal")
        super().__init__(*args, **kwargs)

    def process_formdata(self, valuelist):
        if not valuelist or not valuelist[0].strip():
            self.data = None
            return
        text = valuelist[0].strip().replace("\u202f", "").replace("\xa0", "").replace(" ", "")
        try:
            self.data = Decimal(text.replace(",", "."))
        except InvalidOperation:
            self.data = None
            raise ValueError(_l("Saisissez un nombre, par exemple 2,5.")) from None
        if not self.data.is_finite():
            self.data = None
            raise ValueError(_l("Saisissez un nombre, par exemple 2,5."))

    def _value(self):
        if self.raw_data:
            return self.raw_data[0]  # what was typed, as typed
        if self.data is None:
            return ""
        number = Decimal(str(self.data))
        if self.places is not None:
            number = round(number, self.places)
        text = format(number.normalize(), "f") if number == number.to_integral() else str(number)
        if "." in text:
            text = text.rstrip("0").rstrip(".")
        return text.replace(".", ",")


class FrenchIntegerField(IntegerField):
    """A whole number, thousands spaced or not. A text input with a numeric keypad: a browser's
    number input sends an empty value for what it cannot read ("20,50" where its decimal mark is
    a point), which would then be lost unsaid. One message when it is not a whole number
    (`message`: what the field counts), not two."""

    widget = TextInput()

    def __init__(self, *args, message=None, **kwargs):
        kwargs.setdefault("render_kw", {}).setdefault("inputmode", "numeric")
        super().__init__(*args, **kwargs)
        self.not_whole = message or _l("Saisissez un nombre entier, sans virgule.")

    def process_formdata(self, valuelist):
        if not valuelist or not valuelist[0].strip():
            self.data = None
            return
        text = valuelist[0].strip().replace("\u202f", "").replace("\xa0", "").replace(" ", "")
        digits = text[1:] if text[:1] in "+-" else text
        if not (digits.isascii() and digits.isdigit()):
            self.data = None
            raise ValueError(self.not_whole)
        self.data = int(text)

    def pre_validate(self, form):
        if self.process_errors:  # said once: the bounds are for a number that was read
            raise StopValidation()

    def _value(self):
        if self.raw_data:
            return self.raw_data[0]  # what was typed, as typed
        return "" if self.data is None else str(self.data)
