"""The coordinator's page for the functional test: which items block reuse, per category."""

from flask import abort, flash, redirect, render_template, request, url_for
from flask_login import current_user

from refurb.auth.access import allow
from refurb.auth.forms import ConfirmForm
from refurb.auth.roles import Role
from refurb.i18n import gettext as _
from refurb.i18n import ngettext
from refurb.inventory.checklists import checklist, critical_keys_of, set_critical
from refurb.inventory.enums import Category
from refurb.inventory.views import bp
from refurb.web import refusal_shown


@bp.route("/atelier/test-fonctionnel", methods=["GET", "POST"])
@allow(Role.ADMIN)
def checklist_rules():
    form = ConfirmForm()
    refused = None  # (category, refusal) of a choice refused, said at its form
    if request.method == "POST" and form.validate_on_submit():
        chosen = request.form.get("category", "")
        if chosen not in Category._value2member_map_:
            abort(400)
        category = Category(chosen)
        ticked = set(request.form.getlist("critical"))
        with refusal_shown(show=False) as outcome:
            changed = set_critical(current_user, category, ticked, request.form.get("shown", ""))
        if not outcome.ok:
            refused = (category, outcome.refusal)
            return _rules_page(form, refused), outcome.refusal.status
        flash(
            ngettext(
                "%(c)s : %(num)d point modifié.",
                "%(c)s : %(num)d points modifiés.",
                len(changed),
                c=category.label,
            )
            if changed
            else _("%(c)s : rien n'a changé.", c=category.label),
            "success",
        )
        return redirect(url_for(".checklist_rules") + f"#{category.value}")
    return _rules_page(form, refused)


def _rules_page(form, refused):
    categories = [(category, checklist(category)) for category in Category]
    return render_template(
        "inventory/checklist_rules.html",
        form=form,
        categories=[(c, items, critical_keys_of(items)) for c, items in categories],
        refused=refused,
    )
