"""A reviewer of the Conseil Départemental signs in and lands on the dashboard, reads the
indicators and the charts (drawn under the Content-Security-Policy), picks another date, and
downloads the report PDF of that date; axe-core checks every page."""

import subprocess
from datetime import timedelta

from refurb.auth.roles import Role
from refurb.db_types import today


def test_a_reviewer_reads_the_dashboard_changes_the_date_and_downloads_the_pdf(
    visit, create_user, make_device
):
    make_device()
    reviewer = create_user(Role.VIEWER, name="Hélène Sourbès")
    tab = visit()
    page = tab.page
    tab.sign_in(reviewer.email, reviewer.password)
    assert page.get_by_role("heading", name="Tableau de bord du programme").is_visible()
    card = page.locator(".indicator").filter(has_text="Matériel numérique récupéré")
    assert "1 sur 400" in " ".join(card.inner_text().split())
    for image in page.locator(".chart img").all():  # the SVG charts were allowed and drawn
        assert image.evaluate("img => img.complete && img.naturalWidth > 0")

    yesterday = today() - timedelta(days=1)
    page.get_by_label("Situation au").fill(yesterday.isoformat())
    page.get_by_role("button", name="Voir à cette date").click()
    tab.check()
    assert page.get_by_role("heading", name=f"Indicateurs au {yesterday:%d/%m/%Y}").is_visible()
    card = page.locator(".indicator").filter(has_text="Matériel numérique récupéré")
    assert "0 sur 400" in " ".join(card.inner_text().split())

    with page.expect_download() as download:
        page.get_by_role("link", name=f"Rapport PDF au {yesterday:%d/%m/%Y}").click()
    path = download.value.path()
    assert download.value.suggested_filename == f"rapport-{yesterday.isoformat()}.pdf"
    text = subprocess.run(["pdftotext", str(path), "-"], capture_output=True, check=True).stdout
    assert f"Situation au {yesterday:%d/%m/%Y}".encode() in text
