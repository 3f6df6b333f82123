"""The briefings' ZIP names each file by the member's code and name, and a name can only be
a file's name: «三芳町/../../../tmp/x» was written into the archive as a path that climbs
out of the folder it is unpacked in."""

import io
import zipfile

import pytest
from django.urls import reverse

from apps.members.models import MemberBody
from apps.reports import services
from apps.reports.selectors import Options

pytestmark = pytest.mark.django_db

HOSTILE = ["三芳町/../../../tmp/x", "..\\..\\Windows\\毛呂山町", "越生町\n\x1b[31m", "C:東秩父村|?*<>\"", ".."]


def test_every_entry_is_a_plain_file_name_that_keeps_the_japanese(client, council, django_capture_on_commit_callbacks):
    for body, name in zip(council["bodies"], HOSTILE, strict=True):
        MemberBody.objects.filter(pk=body.pk).update(name=name)  # stored before names were refused such characters
    with django_capture_on_commit_callbacks(execute=True):
        batch = services.batch_create(consortium=council["consortium"], plan=council["plan"], fiscal_year=2025,
                                      requested_by=council["secretariat"], options=Options())
    client.force_login(council["secretariat"])

    names = zipfile.ZipFile(io.BytesIO(client.get(reverse("batch_zip", args=[batch.pk])).content)).namelist()

    codes = [body.code for body in sorted(council["bodies"], key=lambda body: body.code)]
    assert [name.split("-", 1)[0] for name in names] == codes
    for name in names:
        assert name.endswith(".pdf") and ".." not in name
        assert not set(name) & set('/\\:*?"<>|\n\x1b'), name
    by_code = {body.code: name for body, name in zip(council["bodies"], HOSTILE, strict=True)}
    entries = dict(name.split("-", 1) for name in names)
    assert "三芳町" in entries[council["bodies"][0].code] and "tmp" in entries[council["bodies"][0].code]
    assert "毛呂山町" in entries[council["bodies"][1].code]
    assert entries[council["bodies"][2].code].startswith("越生町")
    assert "東秩父村" in entries[council["bodies"][3].code]
    assert len(by_code) == len(names) == 5
