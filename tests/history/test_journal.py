"""The journal reads as French: a sentence per event naming (and linking) what it concerns,
details as French names and values, filters chosen from French lists, households by reference
only; and the history's wording covers every action the code records."""

import ast
import html
import re
from datetime import UTC, datetime
from pathlib import Path

import sqlalchemy as sa

from refurb.auth.models import User
from refurb.auth.roles import Role
from refurb.db_types import clock_at
from refurb.extensions import db
from refurb.history import sentences
from refurb.history.services import record
from refurb.inventory.enums import State
from refurb.inventory.lifecycle import Action, Context, perform
from refurb.inventory.models import Device
from refurb.loans import privacy
from refurb.loans.models import Household
from refurb.maintenance.enums import IncidentStatus


def readable(response) -> str:
    """The page with its entities read (&#39; as '), French spacing as plain spaces."""
    text = html.unescape(response.get_data(as_text=True))
    return text.replace("\u202f", " ").replace("\xa0", " ")


def test_events_read_as_french_sentences_linked_to_what_they_concern(
    client, login_as, in_app, make_device, make_household, lender, technician
):
    device = make_device()
    household = make_household()
    with in_app():
        perform(
            db.session.get(Device, device.id),
            Action.START_DIAGNOSIS,
            Context(actor=db.session.get(User, technician.id)),
        )
        privacy.identity_for(
            db.session.get(User, lender.id), db.session.get(Household, household.id)
        )
        db.session.commit()
    login_as(Role.ADMIN, name="Marie Dupont")
    page = readable(client.get("/journal"))

    assert "Connexion de <a href=" in page and ">Marie Dupont</a>" in page
    assert (
        f'Appareil <a href="/appareils/{device.tag}">{device.tag}</a> : diagnostic commencé '
        "(Reçu → En diagnostic)"
    ) in page
    assert (
        f'Identité du foyer <a href="/foyers/{household.id}">{household.reference}</a> consultée'
    ) in page
    assert "Critère d'éligibilité : RSA" in page  # household.created's details, in French
    for code in ("user.signed_in", "household.identity_viewed", "device.start_diagnosis"):
        assert f">{code}<" not in page and f"<code>{code}" not in page
    assert (
        "device #" not in page and '{"' not in page and "criterion" not in page.split("<table")[1]
    )
    # the household's identity never reaches the journal, only its reference
    assert "Durand" not in page and "06 12 34 56 78" not in page


def test_the_filters_are_french_lists(client, login_as):
    login_as(Role.ADMIN)
    page = readable(client.get("/journal"))
    assert '<select id="action" name="action">' in page
    assert '<option value="user.signed_in">Connexion</option>' in page
    assert '<option value="device.start_diagnosis">Diagnostic commencé</option>' in page
    assert '<select id="subject_type" name="subject_type">' in page
    assert '<option value="household">Foyer</option>' in page
    chosen = readable(client.get("/journal?subject_type=user&action=user.signed_in"))
    assert '<option value="user.signed_in" selected>' in chosen
    assert "Connexion de" in chosen and "Compte de" not in chosen
    unknown = client.get("/journal?action=user.")
    assert unknown.status_code == 400 and "Choisissez dans la liste." in readable(unknown)


def test_a_period_that_ends_before_it_starts_is_refused_on_its_field(client, login_as):
    login_as(Role.ADMIN)
    answer = client.get("/journal?from=2026-03-02&to=2026-03-01")
    assert answer.status_code == 400
    page = readable(answer)
    assert (
        '<p class="error" id="from-erreur">La date de début (« Du ») est après la date de fin '
        "(« Au »).</p>"
    ) in page
    assert 'value="2026-03-02" aria-invalid="true" aria-describedby="from-erreur"' in page
    assert "Aucun événement." in page
    assert client.get("/journal?from=2026-03-01&to=2026-03-01").status_code == 200


def test_the_journal_lists_by_date_even_when_ids_disagree(client, login_as, in_app):
    login_as(Role.ADMIN)
    with in_app() as session:
        for day in (3, 1, 2):  # recorded in this order: ids 1, 2, 3
            with clock_at(datetime(2025, 6, day, 9, tzinfo=UTC)):
                record("device", day, "device.edited")
        session.commit()
    page = readable(client.get("/journal?subject_type=device"))
    moments = re.findall(r'<time datetime="([^"]+)"', page)
    assert [m[:10] for m in moments] == ["2025-06-03", "2025-06-02", "2025-06-01"]


def test_details_and_records_they_name_are_read_in_french(client, login_as, in_app, make_site):
    site = make_site()
    with in_app() as session:
        record(
            "device",
            7,
            "device.deploy",
            from_state="ready",
            to_state="deployed",
            details={"site_id": site.id},
        )
        record(
            "incident",
            3,
            "incident.resolved",
            from_state="acknowledged",
            to_state="resolved",
            details={"device": "GN-0000001"},
        )
        record("device", 8, "device.erased", details={"method": "purge", "verified": True})
        record("loan", 5, "loan.checked_out", details={"due_on": "2026-11-30"})
        record("device", 9, "device.something_new", details={"colour": "vert"})
        record(
            "checklist",
            0,
            "checklist.rules_changed",
            details={"category": "laptop", "items": ["camera"]},
        )
        session.commit()
    login_as(Role.ADMIN)
    page = readable(client.get("/journal"))
    assert f'Lieu : <a href="/lieux/{site.id}">{site.name}</a>' in page
    assert "Appareil n° 7 mis en service (Prêt au réemploi → En service)" in page
    assert "Incident n° 3 résolu (Pris en charge → Résolu)" in page
    assert 'Appareil : <a href="/appareils/GN-0000001">GN-0000001</a>' in page
    assert "Vérifié : oui" in page and "Méthode : Purge" in page
    assert "À rendre le : 30/11/2026" in page
    assert "Points bloquants du test fonctionnel modifiés : Ordinateur portable" in page
    assert "Points : Caméra" in page
    # an action the wording does not know yet still reads as French
    assert "Appareil n° 9 : opération « device.something_new »" in page
    assert "colour : vert" in page


def _statements(app, client, url) -> int:
    seen = []

    def count(*_args):
        seen.append(1)

    with app.app_context():
        sa.event.listen(db.engine, "before_cursor_execute", count)
        try:
            assert client.get(url).status_code == 200
        finally:
            sa.event.remove(db.engine, "before_cursor_execute", count)
    return len(seen)


def test_a_page_names_its_records_in_one_query_per_kind(app, client, login_as, make_device, in_app):
    login_as(Role.ADMIN)
    make_device()
    few = _statements(app, client, "/journal")
    for _ in range(20):
        make_device()
    many = _statements(app, client, "/journal")
    assert many == few


# --- Every action the code records has its wording -------------------------------------------

ROOT = Path(__file__).resolve().parents[2] / "refurb"


def _recorded_actions() -> set[str]:
    """The actions written as literals: record(type, id, "action"), _record(loan, "action")
    and the {"action": "…"} rows of bulk inserts."""
    found = set()
    for path in ROOT.rglob("*.py"):
        tree = ast.parse(path.read_text(encoding="utf-8"))
        for node in ast.walk(tree):
            if isinstance(node, ast.Call) and isinstance(node.func, ast.Name | ast.Attribute):
                name = node.func.id if isinstance(node.func, ast.Name) else node.func.attr
                position = {"record": 2, "_record": 1}.get(name)
                if position is not None and len(node.args) > position:
                    argument = node.args[position]
                    if isinstance(argument, ast.Constant) and isinstance(argument.value, str):
                        found.add(argument.value)
            if isinstance(node, ast.Dict):
                for key, value in zip(node.keys, node.values, strict=True):
                    if (
                        isinstance(key, ast.Constant)
                        and key.value == "action"
                        and isinstance(value, ast.Constant)
                        and isinstance(value.value, str)
                    ):
                        found.add(value.value)
    return found


def test_every_recorded_action_has_a_french_sentence():
    literal = _recorded_actions()
    assert {"user.signed_in", "household.identity_viewed", "device.labels_printed"} <= literal
    built = (
        {f"device.{action.value}" for action in Action}  # lifecycle.perform
        | {f"incident.{s.value}" for s in IncidentStatus if s != IncidentStatus.OPEN}
        | {"loan.reminder_due_soon", "loan.reminder_overdue"}  # reminders, per step
    )
    missing = (literal | built) - set(sentences.ACTIONS)
    assert not missing, f"actions without a French sentence: {sorted(missing)}"
    for action, wording in sentences.ACTIONS.items():
        assert wording.subject in sentences.SUBJECTS, action
        assert "%(subject)s" in str(wording.sentence), action


def test_a_devices_history_says_what_happened(in_app):
    with in_app():
        event = record("device", 1, "device.lend", from_state="ready", to_state="on_loan")
        assert sentences.what_happened(event) == "Prêté (Prêt au réemploi → Prêté)"
        event = record(
            "device", 1, "device.start_diagnosis", from_state="received", to_state="diagnosis"
        )
        assert sentences.what_happened(event) == "Diagnostic commencé (Reçu → En diagnostic)"
        assert State.DIAGNOSIS.label == "En diagnostic"
        db.session.rollback()
