"""The interface speaks Japanese first, English on request, with nothing left untranslated.

The compiled catalogues (.mo) are committed so that a fresh clone needs no gettext; the
first test fails when a .po was edited without recompiling (`make messages`).
"""

import gettext
from pathlib import Path

import pytest
from django.conf import settings
from django.urls import reverse

from apps.accounts.models import Role
from tests.factories import ConsortiumFactory, member_of, user_with_role

CATALOGUES = [Path(path) / "ja" / "LC_MESSAGES" / "django.po" for path in settings.LOCALE_PATHS]


def _unquote(line: str) -> str:
    return line[line.index('"') + 1 : line.rindex('"')].encode("latin-1", "backslashreplace").decode("unicode_escape")


def po_entries(path: Path) -> dict[tuple[str | None, str], str]:
    """(msgctxt, msgid) → first msgstr of every live entry (header and obsolete entries left out).
    A fuzzy entry (makemessages' guess from a similar old message) counts as untranslated:
    gettext ignores it."""
    entries = {}
    for block in path.read_text(encoding="utf-8").split("\n\n"):
        fields: dict[str, str] = {}
        current = None
        fuzzy = False
        for line in block.splitlines():
            if line.startswith("#"):
                fuzzy = fuzzy or (line.startswith("#,") and "fuzzy" in line)
                continue
            if line.startswith('"'):
                fields[current] += _unquote(line)
                continue
            current = line.split(" ", 1)[0]
            fields[current] = _unquote(line)
        if fields.get("msgid"):
            entries[fields.get("msgctxt"), fields["msgid"]] = "" if fuzzy else fields.get("msgstr", fields.get("msgstr[0]", ""))
    return entries


@pytest.mark.parametrize("po", CATALOGUES, ids=lambda path: str(path.parent.parent.parent.parent.name))
def test_every_message_is_translated_and_the_compiled_catalogue_is_current(po):
    entries = po_entries(po)
    assert len(entries) > 50
    untranslated = [msgid for msgid, msgstr in entries.items() if not msgstr]
    assert untranslated == []
    with po.with_suffix(".mo").open("rb") as mo:
        compiled = gettext.GNUTranslations(mo)
    stale = [(context, msgid) for (context, msgid), msgstr in entries.items()
             if (compiled.pgettext(context, msgid) if context else compiled.gettext(msgid)) != msgstr]
    assert stale == [], "run `make messages` to recompile"


@pytest.mark.django_db
def test_pages_are_in_japanese_by_default_and_in_english_on_request(client):
    saitama = ConsortiumFactory(slug="saitama")
    member_of(saitama, name="伊奈町", cost=1_000_000)
    client.force_login(user_with_role(Role.SECRETARIAT, consortium=saitama))
    url = reverse("member_list", args=["saitama"])

    japanese = client.get(url).content.decode()
    assert "人口" in japanese and "構成団体" in japanese and "ログアウト" in japanese
    assert "Population" not in japanese

    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    english = client.get(url).content.decode()
    assert "Population" in english and "Log out" in english
    assert "ログアウト" not in english


@pytest.mark.django_db
def test_third_party_tables_and_filters_speak_japanese(client):
    saitama = ConsortiumFactory(slug="saitama")
    for n in range(3):
        member_of(saitama, name=f"町{n}", cost=1_000_000)
    client.force_login(user_with_role(Role.SECRETARIAT, consortium=saitama))
    page = client.get(reverse("member_list", args=["saitama"]), {"per_page": 1}).content.decode()
    # django-tables2's pager ships no Japanese; locale_thirdparty provides it.
    assert "次へ" in page
