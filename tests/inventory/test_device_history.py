"""The device page's history says what happened ("Diagnostic commencé"), not the button that
did it ("Commencer le diagnostic")."""

import html

from refurb.inventory.enums import State
from tests.conftest import sign_in


def test_the_history_is_written_as_what_happened(client, technician, make_device):
    sign_in(client, technician.email, technician.password)
    device = make_device()
    page = client.get(f"/appareils/{device.tag}").get_data(as_text=True)
    version = page.split('name="version" value="')[1].split('"')[0]
    started = client.post(
        f"/appareils/{device.tag}/actions/start_diagnosis", data={"version": version}
    )
    assert started.status_code == 302
    page = html.unescape(client.get(f"/appareils/{device.tag}").get_data(as_text=True))
    history = page.split('<ol class="history">')[1].split("</ol>")[0].replace("\u202f", " ")
    assert "<strong>Diagnostic commencé (Reçu → En diagnostic)</strong>" in history
    assert "<strong>Reçu dans l'inventaire</strong>" in history
    assert "Commencer le diagnostic" not in history
    assert State.DIAGNOSIS.label in history


def test_the_latest_steps_show_and_the_older_ones_fold(client, technician, make_device):
    sign_in(client, technician.email, technician.password)
    device = make_device()
    for _ in range(3):  # three label prints after the reception: four steps in all
        client.post(
            "/etiquettes", data={"mode": "tags", "tags": device.tag, "template": "brother-62x29"}
        )
    page = client.get(f"/appareils/{device.tag}").get_data(as_text=True)
    shown, folded = page[page.index('id="historique"') :].split("<details>")
    assert shown.count("<li>") == 3
    assert "plus ancienne" in folded and "Reçu" in folded  # the reception, folded away
