"""Every page of reference data sets: anonymous, the platform admin and every role of two
organizations. Only the data analyst of the national coordinator (organization A is made the
coordinator) reaches them; B's analyst holds the same permissions but is answered "not found"."""

from __future__ import annotations

import io

from django.core.files.uploadedfile import SimpleUploadedFile

from opennrm.stats.ctdc_import import reference_import_system
from opennrm.stats.models_ctdc import ReferenceDataset
from tests.conftest import World
from tests.linkage.batch_factories import make_coordinator
from tests.stats.ctdc_files import generate, v6_file
from tests.support.matrix import Route, check, each

ANALYST = frozenset({"data_analyst"})
A_ANALYST = frozenset({"a:data_analyst"})
DATA = v6_file(generate(30))


def _datasets(world: World) -> str:
    make_coordinator(world.org_a)
    return "/stats/reference/"


def _dataset(world: World) -> str:
    make_coordinator(world.org_a)
    dataset = world.once(
        "reference", lambda: reference_import_system(name="CTDC", file=io.BytesIO(DATA))
    )
    return f"/stats/reference/{dataset.uuid}/?country=KZ&by=exploitation"


def _upload(world: World) -> dict:
    return {"name": "CTDC 2017", "file": SimpleUploadedFile("ctdc.csv", DATA, "text/csv")}


ROUTES = [
    Route("reference data sets", "get", _datasets, ANALYST, sees=A_ANALYST),
    Route(
        "reference import",
        "post",
        _datasets,
        ANALYST,
        sees=A_ANALYST,
        data=_upload,
        ok=302,
        lands=("/stats/reference/",),
    ),
    Route("reference data set", "get", _dataset, ANALYST, sees=A_ANALYST),
]


@each(ROUTES)
def test_access(world, route, principal):
    response = check(world, route, principal)
    if principal == "a:data_analyst" and route.name == "reference data set":
        assert b"by year and type of exploitation" in response.content


def test_the_upload_page_shows_the_records_and_refuses_a_bad_file(world, signed_in):
    make_coordinator(world.org_a)
    client = signed_in(world.a["data_analyst"].user, world.a["data_analyst"])
    response = client.post("/stats/reference/", {"name": "CTDC", "file": _upload(world)["file"]})
    dataset = ReferenceDataset.objects.get()
    assert response["Location"] == f"/stats/reference/{dataset.uuid}/"
    page = client.get(response["Location"]).content.decode()
    assert "by year and citizenship" in page and "Kazakhstan" in page
    bad = SimpleUploadedFile("bad.csv", DATA.replace(b";", b","), "text/csv")
    response = client.post("/stats/reference/", {"name": "Bad", "file": bad})
    assert response.status_code == 200
    assert "separated by commas" in response.content.decode()
    assert ReferenceDataset.objects.count() == 1
    listing = client.get("/stats/reference/").content.decode()
    assert "CTDC" in listing and "30" in listing


def test_a_large_upload_kept_in_a_temporary_file(world, signed_in, settings):
    """Uploads over FILE_UPLOAD_MAX_MEMORY_SIZE reach the service as a file on disk."""
    settings.FILE_UPLOAD_MAX_MEMORY_SIZE = 1000
    make_coordinator(world.org_a)
    client = signed_in(world.a["data_analyst"].user, world.a["data_analyst"])
    upload = SimpleUploadedFile("ctdc.csv", DATA, "text/csv")
    response = client.post("/stats/reference/", {"name": "CTDC", "file": upload})
    assert response.status_code == 302
    assert ReferenceDataset.objects.get().row_count == 30
