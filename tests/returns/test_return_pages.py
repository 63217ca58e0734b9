"""Return pages: recording a return and its arrival with errors beside the fields, the
follow-ups due page, and the section on the case page."""

from __future__ import annotations

import pytest

from opennrm.returns.models import ReintegrationFollowUp, ReturnRecord
from tests.cases.factories import open_diana
from tests.conftest import World, sign_in
from tests.returns.factories import PASSPORT, arrive, days_ago, record_return


@pytest.fixture
def worker(world: World, client):
    return sign_in(client, world.a["case_worker"].user, world.a["case_worker"])


def test_record_a_return_then_its_arrival_through_the_pages(world: World, worker) -> None:
    diana = open_diana(world.a["case_worker"])
    url = f"/returns/cases/{diana.uuid}/"
    page = worker.get(url)
    assert page.status_code == 200 and page["Cache-Control"].startswith("max-age=0")
    assert page.context["return_form"].initial["destination_country"] == "UZ"
    bad = worker.post(url, {"destination_country": "QQ", "travel_date": days_ago(20)})
    assert bad.status_code == 200 and "destination_country" in bad.context["return_form"].errors
    assert not ReturnRecord.objects.exists()
    response = worker.post(
        url,
        {
            "destination_country": "UZ",
            "destination_city": "Tashkent",
            "travel_date": days_ago(20).isoformat(),
            "document_type": "return_certificate",
            "document_number": PASSPORT,
            "receiving_organization": str(world.org_b.uuid),
        },
    )
    assert response.status_code == 302 and response["Location"] == url
    record = ReturnRecord.objects.get()
    html = worker.get(url).content.decode()
    assert PASSPORT in html and "Hotline B" in html and "Record the arrival" in html
    early = worker.post(
        f"/returns/{record.uuid}/arrival/",
        {"version": record.version, "arrived_on": days_ago(21).isoformat()},
    )
    assert early.status_code == 200
    assert "before the travel date" in str(early.context["arrival_form"].errors["arrived_on"])
    done = worker.post(
        f"/returns/{record.uuid}/arrival/",
        {"version": record.version, "arrived_on": days_ago(19).isoformat(), "received_by": "NGO"},
    )
    assert done.status_code == 302
    assert ReintegrationFollowUp.objects.count() == 3


def test_follow_ups_due_page_and_recording_from_it(world: World, worker) -> None:
    diana = open_diana(world.a["case_worker"])
    arrive(world.a["case_worker"], record_return(world.a["case_worker"], diana))
    due = worker.get("/returns/follow-ups/")
    html = due.content.decode()
    assert diana.number in html and "overdue" in html and PASSPORT not in html
    assert "Diana" not in html and "Диана" not in html
    nav = due.context["navigation"]
    assert any(item["url"] == "/returns/follow-ups/" and item["current"] for item in nav)
    three = ReintegrationFollowUp.objects.get(months=3)
    bad = worker.post(
        f"/returns/follow-ups/{three.uuid}/",
        {"f3-version": 1, "f3-done_on": days_ago(1).isoformat(), "f3-outcome": ""},
    )
    assert bad.status_code == 200
    form = dict((f.months, form) for f, form in bad.context["follow_ups"])[3]
    assert "outcome" in form.errors
    ok = worker.post(
        f"/returns/follow-ups/{three.uuid}/",
        {
            "f3-version": 1,
            "f3-done_on": days_ago(1).isoformat(),
            "f3-outcome": "stable",
            "next": "due",
        },
    )
    assert ok.status_code == 302 and ok["Location"] == "/returns/follow-ups/"
    assert diana.number not in worker.get("/returns/follow-ups/").content.decode()


def test_the_case_page_loads_the_return_section(world: World, worker) -> None:
    diana = open_diana(world.a["case_worker"])
    plan = worker.get(f"/cases/{diana.uuid}/plan/").content.decode()
    assert f'hx-get="/returns/cases/{diana.uuid}/section/"' in plan
    empty = worker.get(f"/returns/cases/{diana.uuid}/section/").content.decode()
    assert "No voluntary return is recorded." in empty
    arrive(world.a["case_worker"], record_return(world.a["case_worker"], diana))
    section = worker.get(f"/returns/cases/{diana.uuid}/section/").content.decode()
    assert "overdue" in section and PASSPORT not in section and "Tashkent" in section
