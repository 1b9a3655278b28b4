"""Reporting forms: a target of the roadmap, edited by the coordinator."""

from flask_wtf import FlaskForm
from wtforms import DateField, HiddenField, SubmitField
from wtforms.validators import InputRequired, NumberRange, Optional

from refurb.fields import FrenchDecimalField
from refurb.i18n import lazy_gettext as _l


class TargetForm(FlaskForm):
    version = HiddenField()
    target = FrenchDecimalField(
        _l("Cible"),
        places=None,
        validators=[
            InputRequired(_l("Indiquez la cible.")),
            NumberRange(min=0.01, max=100_000, message=_l("Entre 0,01 et 100 000.")),
        ],
    )
    deadline = DateField(_l("Échéance"), validators=[Optional()])
    submit = SubmitField(_l("Enregistrer la nouvelle cible"))
