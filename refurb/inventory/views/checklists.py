"""The coordinator's page for the functional test: which items block reuse, per category."""

from flask import abort, flash, redirect, render_template, request, url_for
from flask_login import current_user

from refurb.auth.access import allow
from refurb.auth.forms import ConfirmForm
from refurb.auth.roles import Role
from refurb.i18n import gettext as _
from refurb.i18n import ngettext
from refurb.inventory.checklists import checklist, set_critical
from refurb.inventory.enums import Category
from refurb.inventory.views import bp


@bp.route("/atelier/test-fonctionnel", methods=["GET", "POST"])
@allow(Role.ADMIN)
def checklist_rules():
    form = ConfirmForm()
    if request.method == "POST" and form.validate_on_submit():
        chosen = request.form.get("category", "")
        if chosen not in Category._value2member_map_:
            abort(400)
        category = Category(chosen)
        changed = set_critical(current_user, category, set(request.form.getlist("critical")))
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
    return render_template(
        "inventory/checklist_rules.html",
        form=form,
        categories=[(category, checklist(category)) for category in Category],
    )
