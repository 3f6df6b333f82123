"""A title or a name is one line: line breaks, tabs and other control characters are
refused where they are typed or imported, naming the field. A meeting's title with a line
break made its notice fail (a mail subject is one line); one with a form feed broke out
of the minutes' running head into the stylesheet."""

import ast
from pathlib import Path

import pytest
from django.apps import apps
from django.contrib.auth.models import AbstractUser
from django.core.exceptions import ValidationError
from django.db import models
from django.urls import reverse
from django.utils import translation

from apps.accounts.models import Role
from apps.costs import importers
from apps.meetings.models import AgendaItem, Meeting
from tests.factories import ConsortiumFactory, user_with_role

APPS = Path(__file__).resolve().parents[2] / "apps"
CONTROL_CHARACTERS = ["\n", "\r", "\t", "\f", "\x0b", "\x00", "\x1b", "\x7f", "\x85", "\u2028", "\u2029"]


# Django's own, with their own rules (a user name's characters, a password's hash); the
# project names its users by display_name, not by first and last name.
DJANGOS_USER_FIELDS = {field.name for field in AbstractUser._meta.fields}


@pytest.fixture(autouse=True)
def _in_english():
    """The refusals are read in English (a lazy message is translated when it is read, after
    a `with translation.override` inside the test has ended)."""
    with translation.override("en"):
        yield


def free_text_fields():
    """Every text field of the project's models that is not a choice among set values."""
    return [pytest.param(field, id=f"{model.__name__}.{field.name}")
            for model in apps.get_models() if model.__module__.startswith("apps.")
            for field in model._meta.get_fields()
            if isinstance(field, models.CharField) and not field.choices
            and not (issubclass(model, AbstractUser) and field.name in DJANGOS_USER_FIELDS)]


@pytest.mark.parametrize("field", free_text_fields())
def test_every_one_line_text_field_refuses_control_characters_naming_itself(field):
    for control in CONTROL_CHARACTERS:
        with translation.override("en"), pytest.raises(ValidationError) as refused:
            field.run_validators(f"第1回{control}協議会")
        if type(field) not in (models.EmailField, models.SlugField, models.URLField):  # refused as not addresses
            assert f"{field.verbose_name[:1].upper()}{field.verbose_name[1:]} must be one line" in \
                " ".join(refused.value.messages), field


def test_a_multi_line_text_still_takes_line_breaks():
    Meeting._meta.get_field("minutes").run_validators("経費按分の案を説明した。\n\n意見交換を行った。")


def calls(path: Path, module: str, name: str):
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if (isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute) and node.func.attr == name
                and isinstance(node.func.value, ast.Name) and node.func.value.id == module):
            yield node


def keyword(node: ast.Call, name: str):
    return next((kw.value for kw in node.keywords if kw.arg == name), None)


def test_no_model_or_form_text_field_is_declared_without_the_one_line_rule():
    """A text field is a choice, a SingleLineCharField (SingleLineField in a form) or,
    for text of several lines, a TextField (a Textarea)."""
    found = []
    for path in APPS.rglob("*.py"):
        if "migrations" in path.parts:
            continue
        where = path.relative_to(APPS.parent)
        for node in calls(path, "models", "CharField"):
            if keyword(node, "choices") is None:
                found.append(f"{where}:{node.lineno} models.CharField without choices")
        for node in calls(path, "forms", "CharField"):
            widget = keyword(node, "widget")
            if not (isinstance(widget, ast.Call) and getattr(widget.func, "attr", "") == "Textarea"):
                found.append(f"{where}:{node.lineno} forms.CharField of one line")
    assert not found, "\n".join(found)


@pytest.mark.django_db
@pytest.mark.parametrize("title", ["第1回\n研究会", "第1回\f研究会", "第1回\t研究会"])
def test_a_meeting_title_with_a_control_character_is_refused_under_the_field(client, title):
    consortium = ConsortiumFactory(slug="a")
    client.force_login(user_with_role(Role.SECRETARIAT, consortium=consortium))
    client.cookies["django_language"] = "en"
    response = client.post(reverse("meeting_create", args=["a"]), {
        "kind": "council", "title": title, "starts_at": "2026-12-07T10:00", "status": "planned"})
    assert response.status_code == 200
    [error] = response.context["form"].errors["title"]
    assert error.startswith("Title must be one line")
    assert not Meeting.objects.exists()


@pytest.mark.django_db
def test_an_agenda_items_title_from_its_own_form_is_refused_too(client):
    consortium = ConsortiumFactory(slug="a")
    meeting = Meeting.objects.create(consortium=consortium, title="第1回", starts_at="2026-12-07T10:00+09:00")
    client.force_login(user_with_role(Role.SECRETARIAT, consortium=consortium))
    client.cookies["django_language"] = "en"
    response = client.post(reverse("agenda_add", args=[meeting.pk]), {"title": "按分案\r\nBcc: x@evil.example"})
    assert response.status_code == 200 and not AgendaItem.objects.exists()
    [error] = response.context["form"].errors["title"]
    assert error.startswith("Title must be one line")


@pytest.mark.django_db
def test_an_imported_name_with_a_control_character_is_refused_by_row_and_column():
    sheet = "団体コード,団体名,都道府県\n113018,\"伊奈\x0c町\",埼玉県\n113247,三芳町,埼玉県\n".encode()
    parsed = importers.parse_bodies(sheet, "bodies.csv", consortium=ConsortiumFactory())
    [error] = parsed.report.errors
    assert (error.row, error.column) == (2, "団体名")
    assert error.reason.en.startswith("Name must be one line")
    assert [row.code for row in parsed.rows] == ["113247"]


def test_a_form_field_of_one_line_names_itself_in_its_refusal():
    from apps.core.forms import SingleLineField

    with translation.override("en"), pytest.raises(ValidationError) as refused:
        SingleLineField(label="Venue").clean("町村会館\u2028大会議室")
    assert refused.value.messages == ["Venue must be one line, without line breaks, tabs or other control "
                                      "characters."]
    assert SingleLineField(label="Venue", required=False).clean(" 町村会館　大会議室 ") == "町村会館　大会議室"
