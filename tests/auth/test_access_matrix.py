"""Every route × every role × a record of another organisation: the expected answer is
declared once per route below, so a new route without an entry fails the first test.

Each role's user belongs to an organisation of its own; the records in the URLs (household,
loan, reminder, organisation) belong to another lending association. An allowed role is never
refused (401/403) and never gets a server error; a role not allowed gets 403 (HTML) or 403
(API); a lender reaching another association's record gets 404; nobody but the owning
association's lenders reaches a household's identity (the coordinator included: 403)."""

import pytest
from sqlalchemy import select

from refurb.auth.models import Membership, Organisation, User
from refurb.auth.roles import OrganisationKind, Role
from refurb.extensions import db
from refurb.inventory.enums import Category, State
from refurb.inventory.models import Device
from refurb.inventory.services import intake
from refurb.loans.models import Household, Reminder
from refurb.loans.services import lending
from refurb.maintenance.enums import IncidentCategory, IncidentImpact, IncidentSource, SiteKind
from refurb.maintenance.models import Plan
from refurb.maintenance.services import incidents, sites, visits
from tests.conftest import VERIFIED_ON, sign_in

T, M, L, A, S, V = (
    Role.TECHNICIAN,
    Role.MAINTAINER,
    Role.LENDER,
    Role.ADMIN,
    Role.SITE_STAFF,
    Role.VIEWER,
)
PUBLIC, ANY = "public", "signed in"
FOREIGN = "another association's record: 404 for lenders"
MEMBERS = "the organisation's members (and the coordinator)"
IDENTITY = "household identity: the owning lenders only, not the coordinator"
OTHER_SITE = "another site's record: 404 for maintainers and site staff not attached to it"

# endpoint → who may use it (a set of roles, ANY or PUBLIC), and what the URL's record means.
MATRIX: dict[str, tuple] = {
    "main.home": (ANY,),
    "main.health": (PUBLIC,),
    "main.language": (PUBLIC,),
    "auth.login": (PUBLIC,),
    "auth.logout": (PUBLIC,),
    "auth.set_password": (PUBLIC,),
    "auth.account": (ANY,),
    "auth.create_token": (ANY,),
    "auth.revoke_token": (ANY,),
    "auth.change_password": (ANY,),
    "admin.organisations": ({A},),
    "admin.organisation": (ANY, MEMBERS),
    "admin.edit_organisation": ({A},),
    "admin.new_organisation": ({A},),
    "admin.users": ({A},),
    "admin.user": ({A},),
    "admin.new_user": ({A},),
    "admin.edit_user": ({A},),
    "admin.deactivate_user": ({A},),
    "admin.reactivate_user": ({A},),
    "admin.password_link": ({A},),
    "admin.grant_role": ({A},),
    "admin.revoke_role": ({A},),
    "history.journal": ({A},),
    "inventory.scanned": (PUBLIC,),
    "inventory.scan": (ANY,),
    "inventory.scan_bulk": ({T, M},),
    "inventory.labels": ({T},),
    "inventory.bench": ({T},),
    "inventory.checklist_rules": ({A},),
    "inventory.devices": ({T},),
    "inventory.export_devices": ({T},),
    "inventory.import_page": ({T},),
    "inventory.intake_device": ({T},),
    "inventory.device": ({T, M},),
    "inventory.device_specs": ({T},),
    "inventory.transition": ({T, M},),
    "inventory.edit_device": ({T},),
    "inventory.diagnose": ({T},),
    "inventory.diagnosis": ({T},),
    "inventory.erase": ({T},),
    "inventory.add_medium": ({T},),
    "inventory.remove_medium": ({T},),
    "inventory.correct_medium": ({T},),
    "inventory.erasure_certificate_pdf": ({T},),
    "inventory.repair": ({T},),
    "inventory.upload_snapshot": ({T},),
    "inventory.ords_csv": ({T},),
    "inventory.donors": ({T},),
    "inventory.new_donor": ({T},),
    "inventory.donor": ({T},),
    "inventory.add_partnership": ({T},),
    "inventory.partnership_document": ({T},),
    "inventory.collections": ({T},),
    "inventory.new_collection": ({T},),
    "inventory.donation_receipt_pdf": ({T},),
    "inventory.recycling_batches": ({T},),
    "inventory.new_recycling_batch": ({T},),
    "inventory.recycling_batch": ({T},),
    "inventory.handover_slip_pdf": ({T},),
    "loans.households": ({L},),
    "loans.new_household": ({L},),
    "loans.household": ({L}, FOREIGN),
    "loans.edit_household": ({L}, FOREIGN, IDENTITY),
    "loans.add_request": ({L}, FOREIGN),
    "loans.export_household": ({L}, FOREIGN, IDENTITY),
    "loans.household_data": ({L}, FOREIGN, IDENTITY),
    "loans.erase_household": ({L}, FOREIGN, IDENTITY),
    "loans.waiting_list": ({L},),
    "loans.dashboard": ({L},),
    "loans.reminder_called": ({L}, FOREIGN),
    "loans.new_loan": ({L}, FOREIGN),
    "loans.loan": ({L}, FOREIGN),
    "loans.loan_action": ({L}, FOREIGN),
    "loans.agreement_pdf": ({L}, FOREIGN, IDENTITY),
    "loans.gift_certificate_pdf": ({L}, FOREIGN, IDENTITY),
    "loans.return_receipt_pdf": ({L}, FOREIGN),
    "loans.signed_agreement": ({L}, FOREIGN, IDENTITY),
    "loans.settings": ({L},),
    "maintenance.sites": ({M, S},),
    "maintenance.new_site": ({A},),
    "maintenance.edit_site": ({A},),
    "maintenance.site": ({M, S}, OTHER_SITE),
    "maintenance.report_incident": ({M, S}, OTHER_SITE),
    "maintenance.round_page": ({M},),
    "maintenance.renew_calendar": ({M},),
    "maintenance.round_feed": (PUBLIC,),
    "maintenance.start_visit": ({M}, OTHER_SITE),
    "maintenance.visit": ({M}, OTHER_SITE),
    "maintenance.visit_device": ({M}, OTHER_SITE),
    "maintenance.complete_visit": ({M}, OTHER_SITE),
    "maintenance.cancel_visit": ({M}, OTHER_SITE),
    "maintenance.incidents": ({M, S},),
    "maintenance.incident": ({M, S}, OTHER_SITE),
    "maintenance.incident_step": ({M}, OTHER_SITE),
    "maintenance.public_report": (PUBLIC,),
    "maintenance.public_thanks": (PUBLIC,),
    "maintenance.overview": ({A, V},),
    "maintenance.plan": ({A},),
    "api_maintenance.list_sites": ({M, S},),
    "api_maintenance.create_site": ({A},),
    "api_maintenance.get_site": ({M, S}, OTHER_SITE),
    "api_maintenance.list_plans": ({M, S, V},),
    "api_maintenance.record_visit": ({M}, OTHER_SITE),
    "api_maintenance.list_dues": ({M},),
    "api_maintenance.create_incident": ({M, S},),
    "api_maintenance.list_incidents": ({M, S},),
    "api_maintenance.acknowledge": ({M}, OTHER_SITE),
    "api_maintenance.resolve": ({M}, OTHER_SITE),
    "api_maintenance.reject": ({M}, OTHER_SITE),
    "api_maintenance.availability": ({M, S}, OTHER_SITE),
    "api_reports.list_indicators": ({V},),
    "api_reports.report_summary": ({V},),
    "reports.dashboard": ({A, V},),
    "reports.chart": ({A, V},),
    "reports.report": ({A, V},),
    "reports.export_csv": ({A, V},),
    "reports.export_xlsx": ({A, V},),
    "reports.target": ({A},),
    "api-docs.openapi_json": (PUBLIC,),
    "api_auth.create_token": (PUBLIC,),
    "api_auth.revoke_token": (ANY,),
    "api_auth.me": (ANY,),
    "api_auth.list_organisations": (ANY,),
    "api_auth.create_organisation": ({A},),
    "api_auth.get_organisation": (ANY, MEMBERS),
    "api_territory.list_communes": (ANY,),
    "api_inventory.list_devices": ({T, M},),
    "api_inventory.create_device": ({T},),
    "api_inventory.get_device": ({T, M},),
    "api_inventory.patch_device": ({T},),
    "api_inventory.transition": ({T, M},),
    "api_inventory.device_events": ({T, M},),
    "api_inventory.create_diagnosis": ({T},),
    "api_inventory.create_medium": ({T},),
    "api_inventory.create_erasure": ({T},),
    "api_inventory.create_repair": ({T},),
    "api_inventory.create_snapshot": ({T},),
    "api_inventory.list_donors": ({T},),
    "api_inventory.create_donor": ({T},),
    "api_inventory.list_collections": ({T},),
    "api_inventory.create_collection": ({T},),
    "api_inventory.create_recycling_batch": ({T},),
    "api_inventory.create_labels": ({T},),
    "api_loans.create": ({L},),
    "api_loans.list_households": ({L},),
    "api_loans.get": ({L}, FOREIGN),
    "api_loans.create_loan": ({L},),
    "api_loans.list_loans": ({L},),
    "api_loans.checkout": ({L}, FOREIGN),
    "api_loans.take_back": ({L}, FOREIGN),
    "api_loans.renew": ({L}, FOREIGN),
    "api_loans.convert_to_gift": ({L}, FOREIGN),
}


# Valid bodies for the API steps of a loan, so that the organisation boundary is what answers.
BODIES = {
    "api_loans.checkout": {"version": 1, "agreement_accepted": True},
    "api_loans.take_back": {"version": 1, "condition": "Bon état"},
    "api_loans.renew": {"version": 1},
    "api_loans.convert_to_gift": {"version": 1},
    "api_maintenance.acknowledge": {"version": 1},
    "api_maintenance.resolve": {"version": 1, "note": "fait"},
    "api_maintenance.reject": {"version": 1, "note": "doublon"},
    "api_maintenance.record_visit": {"plan_id": 1, "minutes_spent": 30, "results": []},
}


# Required query arguments, so that the access rule is what answers.
QUERIES = {"api_maintenance.availability": "?from=2026-01-01&to=2026-01-31"}


def routes(app):
    for rule in app.url_map.iter_rules():
        if rule.endpoint == "static":
            continue
        for method in sorted(rule.methods - {"HEAD", "OPTIONS"}):
            yield rule, method


def test_every_route_has_an_entry_in_the_matrix(app):
    endpoints = {rule.endpoint for rule, _method in routes(app)}
    assert sorted(endpoints - set(MATRIX)) == [], "declare the expected answers of new routes"
    assert sorted(set(MATRIX) - endpoints) == [], "remove the entries of routes that are gone"


@pytest.fixture
def foreign(in_app, create_organisation, create_user, make_household, make_device):
    """Records of another lending association (and a user and organisation to point at)."""
    owner = create_organisation("Association propriétaire", OrganisationKind.LENDER)
    owner_lender = create_user(L, owner)
    household = make_household(owner)
    device = make_device(State.READY)
    victim = create_user(T)
    site_maintainer = create_user(M)
    with in_app() as session:
        actor = session.get(User, owner_lender.id)
        loan = lending.reserve(
            actor, session.get(Household, household.id), session.get(Device, device.id)
        )
        reminder = Reminder(loan_id=loan.id, step="overdue", channel="call")
        session.add(reminder)
        session.commit()
        membership = session.scalar(select(Membership).where(Membership.user_id == victim.id))
        site = sites.create_site(
            None,
            name="Médiathèque d'ailleurs",
            kind=SiteKind.MEDIATHEQUE,
            commune_code="32013",
            maintainer_ids=[site_maintainer.id],
        )
        pc = intake.receive_device(None, category=Category.DESKTOP)
        pc.state, pc.site_id = State.DEPLOYED, site.id
        session.flush()
        incident = incidents.report(
            None, pc, IncidentCategory.NETWORK, IncidentImpact.BLOCKING, "", IncidentSource.PUBLIC
        )
        plan = session.scalars(select(Plan)).first()
        visit = visits.start_visit(session.get(User, site_maintainer.id), site, plan)
        session.commit()
        return {
            "tag": device.tag,
            "household_id": household.id,
            "loan_id": loan.id,
            "reminder_id": reminder.id,
            "organisation_id": owner.id,
            "user_id": victim.id,
            "membership_id": membership.id,
            "token_id": 999_999,
            "diagnosis_id": 1,
            "medium_id": 1,
            "donor_id": 1,
            "collection_id": 1,
            "partnership_id": 1,
            "batch_id": 1,
            "site_id": site.id,
            "incident_id": incident.id,
            "visit_id": visit.id,
            "plan_id": plan.id,
            "action": "renew",
            "name": "cumul",
            "key": "indicateurs",
            "indicator": "collected",
            "code": "fr",
            "token": "inconnu",
        }


def url_for_rule(rule, values) -> str:
    path = rule.rule
    for argument in rule.arguments:
        converter = f"<{rule._converters[argument].__class__.__name__.lower()}:{argument}>"
        for placeholder in (f"<{argument}>", f"<int:{argument}>", converter):
            path = path.replace(placeholder, str(values[argument]))
    if rule.endpoint == "inventory.transition":
        path = path.replace("/renew", "/start_diagnosis")
    return path


def expected_refusal(entry, role, is_api) -> int | None:
    """The status a role must get, or None when it is allowed (and must not be refused)."""
    who, *meanings = entry
    if who == PUBLIC:
        return None
    if role is None:
        return 401 if is_api else 302
    if who == ANY:
        if MEMBERS in meanings and role != A:
            return 403
        return None
    if role not in who and role != A:
        return 403
    if IDENTITY in meanings and role == A:
        return 403
    if FOREIGN in meanings and role == L:
        return 404
    if OTHER_SITE in meanings and role in (M, S):
        return 404
    return None


@pytest.mark.parametrize("role", [None, *Role], ids=lambda r: "anonymous" if r is None else r.value)
def test_every_route_answers_each_role_as_declared(app, create_user, foreign, role):
    client = app.test_client()
    headers = {}
    if role is not None:
        user = create_user(role)
        assert sign_in(client, user.email, user.password).status_code == 302
        token = client.post(
            "/api/v1/auth/token", json={"email": user.email, "password": user.password}
        )
        headers = {"Authorization": f"Bearer {token.json['token']}"}
    wrong = []
    for rule, method in routes(app):
        if rule.endpoint in {"auth.logout", "api_auth.revoke_token"}:
            continue  # would end the session or token the other routes are tried with
        is_api = rule.rule.startswith("/api/")
        url = url_for_rule(rule, foreign) + QUERIES.get(rule.endpoint, "")
        body = BODIES.get(rule.endpoint) if method == "POST" and is_api else None
        answer = client.open(url, method=method, headers=headers if is_api else {}, json=body)
        answer.close()  # a streamed answer (CSV) ends its request here, as a server would
        refusal = expected_refusal(MATRIX[rule.endpoint], role, is_api)
        status = answer.status_code
        if status >= 500:
            wrong.append((method, url, status, "server error"))
        elif refusal is None and status in (401, 403):
            wrong.append((method, url, status, "refused but allowed"))
        elif refusal is not None and status != refusal:
            wrong.append((method, url, status, f"expected {refusal}"))
    assert wrong == []


def test_the_matrix_saw_the_records_it_names(in_app, foreign):
    """The records above really belong to another association (the 404s are not by accident)."""
    with in_app() as session:
        household = session.get(Household, foreign["household_id"])
        owner = session.get(Organisation, foreign["organisation_id"])
        assert household.lender_organisation_id == owner.id and household.has_identity
        assert db.session.get(Reminder, foreign["reminder_id"]).loan_id == foreign["loan_id"]
        assert household.verified_on == VERIFIED_ON
