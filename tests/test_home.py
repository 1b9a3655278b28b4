"""Each role's home is what that person has to do today; the tiles only when nothing applies."""

from sqlalchemy import select

from refurb.auth import services as accounts
from refurb.auth.models import Membership, Organisation, User
from refurb.auth.roles import OrganisationKind, Role
from refurb.inventory.enums import Category, State
from refurb.inventory.models import Device
from refurb.inventory.services import intake
from refurb.loans.models import Household
from refurb.loans.services import lending
from refurb.maintenance.enums import IncidentCategory, IncidentImpact, IncidentSource
from refurb.maintenance.services import incidents
from tests.conftest import sign_in


def home_of(client, user):
    """Sign in as `user` and follow their home: (the address it led to, the page)."""
    assert sign_in(client, user.email, user.password).status_code == 302
    first = client.get("/")
    if first.status_code == 302:
        page = client.get(first.location)
        assert page.status_code == 200
        return first.location, page.get_data(as_text=True)
    assert first.status_code == 200
    return "/", first.get_data(as_text=True)


def _deployed_pc(session, site_id) -> int:
    pc = intake.receive_device(None, category=Category.DESKTOP)
    pc.state, pc.site_id = State.DEPLOYED, site_id
    session.flush()
    return pc.id


def test_a_technician_comes_home_to_the_bench(client, technician, make_device):
    waiting = make_device(State.RECEIVED)
    where, page = home_of(client, technician)
    assert where == "/atelier"
    assert "L'atelier aujourd'hui" in page and "À diagnostiquer" in page
    assert f'href="/appareils/{waiting.tag}"' in page
    assert 'class="tiles"' not in page


def test_a_lender_comes_home_to_the_loans_to_follow(
    client, in_app, lender, make_household, make_device
):
    household = make_household()
    device = make_device(State.READY)
    with in_app() as session:
        loan = lending.reserve(
            session.get(User, lender.id),
            session.get(Household, household.id),
            session.get(Device, device.id),
        )
        session.commit()
        reference = loan.reference
    where, page = home_of(client, lender)
    assert where == "/prets"
    assert "Réservés, à remettre (1)" in page and reference in page


def test_a_maintainer_comes_home_to_the_round(client, in_app, create_user, make_site):
    maintainer = create_user(Role.MAINTAINER)
    site = make_site("Mairie de Condom", maintainers=[maintainer])
    with in_app() as session:
        _deployed_pc(session, site.id)  # a site with a PC in service is due a visit
        session.commit()
    where, page = home_of(client, maintainer)
    assert where == "/tournee"
    assert "Visites, par date prévue" in page and "Mairie de Condom" in page


def test_site_staff_come_home_to_their_site_and_its_incidents(
    client, in_app, create_organisation, create_user, make_site
):
    host = create_organisation("Mairie de Mirande", OrganisationKind.SITE_HOST)
    staff = create_user(Role.SITE_STAFF, host)
    site = make_site("Médiathèque de Mirande", host=host)
    make_site("Médiathèque d'ailleurs")
    with in_app() as session:
        pc = session.get(Device, _deployed_pc(session, site.id))
        incident = incidents.report(
            None, pc, IncidentCategory.NETWORK, IncidentImpact.BLOCKING, "", IncidentSource.PUBLIC
        )
        session.commit()
        reference = incident.reference
    where, page = home_of(client, staff)
    assert where == f"/lieux/{site.id}"
    assert "Médiathèque de Mirande" in page and reference in page
    assert "Signaler un incident" in page and "ailleurs" not in page

    # hosting two sites: the incidents of both
    make_site("Salle des fêtes de Mirande", host=host)
    client.post("/deconnexion")
    where, page = home_of(client, staff)
    assert where == "/incidents" and reference in page


def test_a_reviewer_comes_home_to_the_dashboard(client, create_user):
    where, page = home_of(client, create_user(Role.VIEWER))
    assert where == "/tableau-de-bord" and "Tableau de bord du programme" in page


def test_the_coordinator_gets_the_workshop_queues_the_dashboard_and_the_tiles(
    client, create_user, make_device
):
    make_device(State.RECEIVED)
    make_device(State.REPAIR)
    where, page = home_of(client, create_user(Role.ADMIN))
    assert where == "/"
    assert "L'atelier aujourd'hui" in page
    step = '<a href="/atelier#etape-diagnosis"><strong>1</strong> <span>À diagnostiquer</span></a>'
    assert step in page
    assert 'href="/tableau-de-bord"' in page and 'class="tiles"' in page


def test_several_roles_lead_to_the_first_in_the_order_and_keep_the_menu(
    client, in_app, create_user, create_organisation
):
    reviewer = create_user(Role.VIEWER)
    lender_org = create_organisation("Familles Rurales", OrganisationKind.LENDER)
    with in_app() as session:
        user = session.get(User, reviewer.id)
        accounts.grant_role(user, session.get(Organisation, lender_org.id), Role.LENDER, user)
        session.commit()
    where, page = home_of(client, reviewer)
    assert where == "/prets"
    assert 'href="/tableau-de-bord"' in page  # the other role's page, from the menu


def test_without_a_role_the_home_says_so_with_the_tiles(client, in_app, create_user):
    newcomer = create_user(Role.VIEWER)
    with in_app() as session:
        for membership in session.scalars(
            select(Membership).where(Membership.user_id == newcomer.id)
        ):
            session.delete(membership)
        session.commit()
    where, page = home_of(client, newcomer)
    assert where == "/" and "aucun rôle" in page and 'class="tiles"' in page
