"""Importers for member bodies and current costs, shared by the commands and upload pages.

Each importer works in two steps so a page can preview before writing:
``parse`` reads and validates every row, collecting every error with its row number and
column, and ``apply`` writes all rows in one transaction — only when nothing was wrong.
Writing is an upsert, so importing the same file twice changes nothing.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field, replace

from auditlog.diff import model_instance_diff
from auditlog.models import LogEntry
from django.conf import settings
from django.core.exceptions import NON_FIELD_ERRORS, ValidationError
from django.db import transaction
from django.db.models import OuterRef, QuerySet, Subquery
from django.utils import timezone, translation

from apps.core.audit import log_entries_bulk
from apps.core.formatting import fiscal_year as fiscal_year_ja
from apps.core.formatting import fiscal_year_english
from apps.core.tabular import (
    Bilingual,
    CellError,
    Column,
    ImportReport,
    RowError,
    UNIT_NAMES,
    Table,
    TableError,
    heading_key,
    heading_unit,
    headings_finder,
    map_headers,
    parse_business_date,
    parse_fiscal_year,
    parse_int,
    parse_text,
    parse_yen,
    read_table,
)
from apps.costs.permissions import council_years
from apps.costs.selectors import catalogue_for, catalogue_for_body
from apps.costs.services import cost_summaries_refresh, survey_round_ensure
from apps.costs.models import WHOLE_SYSTEM_CODE, BodyYearCost, BusinessSystem, CostCategory, CostRecord, SurveyRound
from apps.members.codes import CodeProblem, code_problem, is_valid_code, same_prefecture, zero_dropped
from apps.members.models import (
    Consortium,
    MemberBody,
    Participation,
    ParticipationStatus,
    PopulationRecord,
    StatusChange,
)
from apps.members.services import (participation_ensure, population_check, population_record,
                                   shared_details_refusal, status_date_check)

BODY_COLUMNS = (
    Column("code", "団体コード", ("code", "local government code", "lg code", "コード"), True,
           "local government code"),
    Column("name", "団体名", ("name", "団体", "市町村名"), True, "name"),
    Column("kana", "ふりがな", ("kana", "よみがな", "読み", "かな"), False, "kana"),
    Column("kind", "区分", ("kind", "種別"), False, "kind"),
    Column("prefecture", "都道府県", ("prefecture", "都道府県名"), True, "prefecture"),
    Column("district", "郡", ("district", "郡名"), False, "district"),
    Column("population", "人口", ("population", "住民基本台帳人口"), False, "population"),
    Column("population_as_of", "人口基準日", ("population as of", "as of", "基準日"), False, "population as of"),
    Column("population_source", "人口の出典", ("population source", "source", "出典"), False, "population source"),
    Column("households", "世帯数", ("households",), False, "households"),
    Column("mayor_name", "首長名", ("mayor", "mayor name", "市町村長名"), False, "mayor"),
    Column("mayor_email", "首長メールアドレス", ("mayor email", "mayor e-mail", "首長メール"), False, "mayor e-mail"),
)

# A body the import adds to the council joins with this status, from this day (招待, today
# when blank). Read only for a body joining: a member's status changes on its page, dated.
STATUS_COLUMNS = (
    Column("status", "参加状況", ("status", "participation status", "参加状態"), False, "status"),
    Column("status_from", "開始日", ("start date", "status from", "参加状況の開始日"), False, "start date"),
)
BODY_IMPORT_COLUMNS = (*BODY_COLUMNS, *STATUS_COLUMNS)

CATEGORY_LABELS = {
    CostCategory.SOFTWARE: ("ソフトウェア", ("software", "ソフトウェア費", "ソフト")),
    CostCategory.HARDWARE: ("ハードウェア", ("hardware", "ハードウェア費", "ハード")),
    CostCategory.DATA_CENTRE: ("データセンター", ("data centre", "data center", "データセンタ", "dc")),
    CostCategory.PRINTING: ("印刷・BPO", ("printing", "printing/bpo", "印刷", "bpo", "印刷・bpo")),
    CostCategory.NETWORK: ("ネットワーク", ("network", "回線")),
    CostCategory.OPERATIONS: ("運用", ("operations", "運用費")),
    CostCategory.MAINTENANCE: ("保守", ("maintenance", "保守費")),
    CostCategory.OTHER: ("その他", ("other",)),
}

COST_COLUMNS = (
    Column("code", "団体コード", ("code", "local government code", "コード"), True, "local government code"),
    Column("name", "団体名", ("name", "団体"), False, "name"),
    # Besides the sheet's own headings, those of the edit form and the costs table (業務システム,
    # 事業者, 契約満了日), which a town copies its figures from.
    Column("system", "業務", ("business system", "system", "業務名", "システム", "業務システム", "業務システム名"),
           False, "business system"),
    Column("fiscal_year", "年度", ("fiscal year", "fy"), False, "fiscal year"),
    # The English name of a category is its first alias.
    *(Column(category.value, label, aliases, False, aliases[0]) for category, (label, aliases) in CATEGORY_LABELS.items()),
    Column("vendor", "事業者", ("vendor", "ベンダー", "委託先", "事業者名"), False, "vendor"),
    Column("contract_end", "契約終了日", ("contract end", "契約期限", "契約満了日", "契約満了", "契約終了"), False,
           "contract end"),
)

# A member uploading its own figures may leave out the code column: every row is its own.
OWN_COST_COLUMNS = (replace(COST_COLUMNS[0], required=False), *COST_COLUMNS[1:])

# A row a figure, as the costs page and the edit form show them (業務システム, 費目, 金額（円）,
# 事業者, 契約満了): pasted from there, instead of a column a category.
FIGURE_COLUMNS = (
    Column("category", "費目", ("category", "費目名"), False, "category"),
    Column("amount", "金額", ("amount", "金額（円）", "amount (yen)"), False, "amount"),
)
# What a row of a sheet's total says in its business system's cell: not a figure.
TOTAL_WORDS = {"合計", "総計", "計", "total"}

KIND_LABELS = {"city": "市", "town": "町", "village": "村", "ward": "区"}
KIND_WORDS = {**{label: kind for kind, label in KIND_LABELS.items()}, **{kind: kind for kind in KIND_LABELS}}

# Where a population comes from, as the members sheet writes it (and the words people use).
POPULATION_SOURCE_LABELS = {
    PopulationRecord.Source.REGISTRY: "住民基本台帳",
    PopulationRecord.Source.CENSUS: "国勢調査",
    PopulationRecord.Source.ESTIMATE: "推計",
}
POPULATION_SOURCE_WORDS = {
    **{label: source for source, label in POPULATION_SOURCE_LABELS.items()},
    **{source.value: source for source in PopulationRecord.Source},
    "住基": PopulationRecord.Source.REGISTRY, "住民基本台帳人口": PopulationRecord.Source.REGISTRY,
    "basic resident register": PopulationRecord.Source.REGISTRY, "推計人口": PopulationRecord.Source.ESTIMATE,
}


class ImportRefused(Exception):
    """The file cannot be imported; ``report`` lists every reason."""

    def __init__(self, report: ImportReport):
        super().__init__(report.format())
        self.report = report


@dataclass
class ImportResult:
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    rows: int = 0

    def summary(self) -> str:
        return (f"{self.rows} rows: {self.created} created, {self.updated} updated, "
                f"{self.unchanged} unchanged")


@dataclass
class ParsedRows:
    rows: list = field(default_factory=list)
    report: ImportReport = field(default_factory=lambda: ImportReport(errors=[], warnings=[]))

    @property
    def ok(self) -> bool:
        return not self.report.errors


class _RowReader:
    """Reads one spreadsheet row cell by cell, turning every failure into a RowError."""

    def __init__(self, row, headers: dict[str, str], columns, report: ImportReport):
        self.row, self.headers, self.report = row, headers, report
        self.columns = {column.key: column for column in columns}
        self.failed = False

    def raw(self, key: str) -> str:
        header = self.headers.get(key)
        return (self.row.cells.get(header) or "").strip() if header else ""

    def get(self, key: str, parser, *, required: bool = False, **options):
        text = self.raw(key)
        if required and not text:
            return self.error(key, text, CellError("必須項目が空です", "required value is blank"))
        try:
            return parser(text, **options)
        except CellError as error:
            return self.error(key, text, error)

    def error(self, key: str, text: str, error: CellError) -> None:
        self.failed = True
        self.report.errors.append(RowError(self.row.number, self._column(key), error.reason, text))
        return None

    def _column(self, key: str) -> Bilingual:
        """The column's Japanese label; in English, its English name and the heading as in the file."""
        column = self.columns.get(key)
        if column is None:
            return Bilingual(key)
        heading = self.headers.get(key) or column.label
        return Bilingual(column.label, f"{column.label_en} ({heading})" if column.label_en else heading)


def _open(data: bytes, filename: str, columns) -> tuple[Table, dict[str, str], ImportReport]:
    """The table and its columns, its headings found below a title (tabular.headings_finder)."""
    try:
        table = read_table(data, filename, is_heading=headings_finder(columns))
    except TableError as error:
        raise ImportRefused(ImportReport(errors=[RowError(1, "", error.reason, "")], warnings=[])) from None
    try:
        headers = map_headers(table, columns)
    except TableError as error:
        _refuse_headings(table, error.reason)
    report = ImportReport(errors=[], warnings=list(getattr(table, "warnings", [])))
    return table, headers, report


def _refuse_headings(table: Table, reason: Bilingual):
    """A file whose headings were not found: which row was read as them, and what to do."""
    raise ImportRefused(ImportReport(errors=[RowError(table.heading_number, "", Bilingual(
        f"{reason}。この行を見出しの行として読みました: 列の見出しを表の先頭の行に書くか、"
        "このページの記入シート（見出し付き）をダウンロードして使ってください",
        f"{reason.en}. This row was read as the headings: put the column headings in the first row of the "
        "table, or download the sheet on this page, which has them"), "")], warnings=[])) from None


CODE_ERRORS = {
    CodeProblem.NOT_DIGITS: lambda code: CellError("団体コードは6桁の数字です", "a local government code is 6 digits"),
    CodeProblem.LENGTH: lambda code: CellError(f"団体コードは6桁です（{len(code)}桁）",
                                               f"a local government code has 6 digits, not {len(code)}"),
    CodeProblem.CHECK_DIGIT: lambda code: CellError("団体コードの検査数字（6桁目）が正しくありません",
                                                    "the check digit (6th) of the local government code is wrong"),
}


def _restored(report: ImportReport, row_number: int, code: str, restored: str) -> str:
    """Read a code as the one that lost its leading 0 in Excel, and say so."""
    report.warnings.append(Bilingual(
        f"{row_number}行目: 団体コード「{code}」を「{restored}」と読みました（表計算ソフトで先頭の0が落ちた団体コードです）",
        f"row {row_number}: the local government code {code} was read as {restored} (a spreadsheet dropped its "
        "leading 0)"))
    return restored


@dataclass(frozen=True)
class FieldChange:
    """What a row would change of a body the installation has: a column, its value now and after."""
    column: Bilingual
    old: str
    new: str


@dataclass(frozen=True)
class BodyRow:
    number: int
    code: str
    values: dict  # the columns the file has: one it lacks leaves the body's field as it is
    population: int | None
    population_as_of: datetime.date | None
    households: int | None
    population_source: str = PopulationRecord.Source.REGISTRY
    status: str | None = None  # joining the council; None: 招待
    status_from: datetime.date | None = None  # None: today
    changes: tuple[FieldChange, ...] = ()  # of an existing body, for the preview


# A body's text columns, each refused at the preview as its model field would refuse it at
# the save (its length, an e-mail address's form).
BODY_TEXT_FIELDS = ("name", "kana", "prefecture", "district", "mayor_name", "mayor_email")
# The columns of a population record's fields (the others have the field's name).
POPULATION_COLUMNS = {"as_of": "population_as_of", "source": "population_source"}


def _refusals(check) -> dict[str, CellError]:
    """What ``check()`` refuses with a ValidationError, as a CellError per field, in
    Japanese and in English: run in Japanese, and once more in English only when it
    refuses (a service's message is translated when it is raised; most cells pass)."""
    found: dict[str, dict[str, list[str]]] = {}
    for language in ("ja", "en"):
        with translation.override(language):
            try:
                check()
            except ValidationError as error:
                found[language] = error.message_dict if hasattr(error, "error_dict") else {
                    NON_FIELD_ERRORS: error.messages}
        if not found:
            return {}
    return {name: CellError(" ".join(texts), " ".join(found["en"].get(name, texts)))
            for name, texts in found["ja"].items()}


def model_text(model, name: str):
    """A parser for a text column stored in ``model``'s field ``name``: refuses what the field's
    validators would (its max_length, an e-mail address's form)."""
    model_field = model._meta.get_field(name)

    def parse(text: str | None) -> str:
        value = parse_text(text)
        if refused := _refusals(lambda: model_field.run_validators(value)):
            raise next(iter(refused.values()))
        return value

    return parse


BODY_TEXT_PARSERS = {name: model_text(MemberBody, name) for name in BODY_TEXT_FIELDS}
VENDOR_PARSER = model_text(CostRecord, "vendor")


def _status_words() -> dict[str, str]:
    """A status as the members sheet writes it (its Japanese label), by its code or its English label."""
    words = {}
    for language in ("en", "ja"):
        with translation.override(language):
            words.update({str(label).lower(): status for status, label in ParticipationStatus.choices})
    return {**words, **{status.value: status.value for status in ParticipationStatus}}


def parse_bodies(data: bytes, filename: str, *, consortium: Consortium | None = None) -> ParsedRows:
    """The bodies of a file, and of those the installation has, what each row would change.
    With ``consortium`` (the council importing), a change to a body another council also
    has is refused unless the body has joined this council: its details are that council's
    too (an import for no council — the administrator's ``import_bodies`` without
    ``--consortium`` — changes them)."""
    table, headers, report = _open(data, filename, BODY_IMPORT_COLUMNS)
    parsed = ParsedRows(report=report)
    statuses = _status_words()
    seen: dict[str, int] = {}
    for row in table.rows:
        cells = _RowReader(row, headers, BODY_IMPORT_COLUMNS, report)
        code = cells.get("code", parse_text, required=True)
        restored = zero_dropped(code) if code and not is_valid_code(code) else None
        if restored and same_prefecture(restored, cells.raw("prefecture")):
            code = _restored(report, row.number, code, restored)
        problem = code_problem(code) if code else None
        if problem is not None:
            cells.error("code", code, CODE_ERRORS[problem](code))
        elif code in seen:
            cells.error("code", code, CellError(f"{seen[code]}行目と重複しています",
                                                f"duplicate of row {seen[code]}"))
        # A column the file lacks changes nothing (a sheet of codes and names once blanked
        # every mayor's address); a blank cell in a column it has clears the field.
        values = {name: cells.get(name, parser, required=name in ("name", "prefecture"))
                  for name, parser in BODY_TEXT_PARSERS.items() if name in headers}
        # From the name as typed: a name refused for its length still ends in 町 or 村.
        kind_text = cells.raw("kind")
        if kind_text:
            values["kind"] = KIND_WORDS.get(kind_text.lower())
            if values["kind"] is None:
                cells.error("kind", kind_text, CellError("区分は市・町・村・区のいずれかです",
                                                         "kind must be city, town, village or ward"))
        else:
            # A blank kind is read from the name's end: the refusal says so, not as if «し» had been typed.
            last = parse_text(cells.raw("name"))[-1:]
            values["kind"] = KIND_WORDS.get(last.lower())
            if values["kind"] is None:
                cells.error("kind", "", CellError(
                    f"区分が空欄で、団体名の末尾（{last}）から判別できません（市・町・村・区のいずれかを記入してください）",
                    f"kind is blank and cannot be told from the end of the name ({last}): give city, town, village "
                    "or ward"))
        population = cells.get("population", parse_int)
        as_of = cells.get("population_as_of", parse_business_date)
        households = cells.get("households", parse_int)
        if population is not None and as_of is None and not cells.raw("population_as_of"):
            cells.error("population_as_of", "", CellError("人口には基準日が必要です",
                                                           "a population needs its as-of date"))
        if population is not None and as_of is not None:
            refused = _refusals(lambda: population_check(population=population, as_of=as_of, households=households))
            for name, error in refused.items():
                key = POPULATION_COLUMNS.get(name, name)
                cells.error(key, cells.raw(key), error)
        source_text = cells.raw("population_source")
        source = POPULATION_SOURCE_WORDS.get(source_text.lower()) if source_text else PopulationRecord.Source.REGISTRY
        if source is None:
            cells.error("population_source", source_text, CellError(
                "人口の出典は住民基本台帳・国勢調査・推計のいずれかです（空欄は住民基本台帳）",
                "population source must be 住民基本台帳 (registry), 国勢調査 (census) or 推計 (estimate)"))
        status_text = cells.raw("status")
        status = statuses.get(status_text.lower()) if status_text else None
        if status_text and status is None:
            with translation.override("ja"):
                labels_ja = "・".join(str(label) for label in ParticipationStatus.labels)
            cells.error("status", status_text, CellError(
                f"参加状況は{labels_ja}のいずれかです（空欄は招待）",
                f"status must be one of {', '.join(ParticipationStatus.values)} (blank: invited)"))
        status_from = cells.get("status_from", parse_business_date)
        if status_from is not None:
            for error in _refusals(lambda: status_date_check(on=status_from)).values():
                cells.error("status_from", cells.raw("status_from"), error)
        if not cells.failed:
            seen[code] = row.number
            parsed.rows.append(BodyRow(row.number, code, values, population, as_of, households, source,
                                       status, status_from))
    parsed.rows = _with_changes(parsed.rows, report, consortium=consortium)
    report.errors.sort(key=lambda error: error.row)  # a row's refused changes beside its other errors
    return parsed


def _with_changes(rows: list[BodyRow], report: ImportReport, *, consortium: Consortium | None) -> list[BodyRow]:
    """Each row of a body the installation has, with what it would change (for the preview);
    a change to a body another council also has is refused, cell by cell, unless the body
    has joined this council (members.services.shared_details_refusal). Four queries."""
    bodies = MemberBody.objects.in_bulk([row.code for row in rows], field_name="code")
    ids = [body.pk for body in bodies.values()]
    records = {(body_id, as_of, source): (population, households) for body_id, as_of, source, population, households
               in PopulationRecord.objects.filter(body_id__in=ids).values_list(
                   "body_id", "as_of", "source", "population", "households")}
    others: dict[int, list[str]] = {}
    if consortium is not None:
        for body_id, name in (Participation.objects.filter(body_id__in=ids).exclude(consortium=consortium)
                              .exclude(status=ParticipationStatus.WITHDRAWN)
                              .order_by("consortium__name").values_list("body_id", "consortium__name")):
            others.setdefault(body_id, []).append(name)
    # Of the members already in this council, the status now and since when.
    current = {body_id: (status, since) for body_id, status, since in Participation.objects.filter(
        consortium=consortium, body_id__in=ids).annotate(since=Subquery(StatusChange.objects.filter(
            participation=OuterRef("pk"), end_date__isnull=True).values("start_date")[:1]),
    ).values_list("body_id", "status", "since")} if consortium is not None else {}
    kept = []
    for row in rows:
        body = bodies.get(row.code)
        if body is None:
            kept.append(row)
            continue
        changes = _changes(row, body, records)
        status_here = current[body.pk][0] if body.pk in current else None
        if changes and shared_details_refusal(status=status_here, elsewhere=others.get(body.pk, [])):
            report.errors.extend(_shared_refusals(row, body, changes, others[body.pk]))
            continue
        if changes and body.pk in others:
            report.warnings.append(Bilingual(
                f"{row.number}行目: {body.name}の変更は、{'、'.join(others[body.pk])}にも反映されます",
                f"row {row.number}: the change to {body.name} is seen by {', '.join(others[body.pk])} too"))
        if body.pk in current:
            _status_left_alone(report, row, body, *current[body.pk])
        kept.append(replace(row, changes=tuple(change for _key, _raw, change in changes)))
    return kept


def _population_text(population: int, as_of, source: str) -> str:
    return f"{population:,}（{as_of.isoformat()}、{POPULATION_SOURCE_LABELS[source]}）"


def _changes(row: BodyRow, body: MemberBody, records: dict) -> list[tuple[str, str, FieldChange]]:
    """(column key, the cell as typed, the change) for each field the row would change."""
    named = {column.key: column.named for column in BODY_COLUMNS}
    changes = []
    for key, value in row.values.items():
        old, new = getattr(body, key), value or ""
        if old != new:
            shown = (KIND_LABELS.get(old, old), KIND_LABELS.get(new, new)) if key == "kind" else (old, new)
            changes.append((key, new, FieldChange(named[key], *shown)))
    if row.population is not None:
        now = records.get((body.pk, row.population_as_of, row.population_source))
        after = f"{row.population:,}（{row.population_as_of.isoformat()}）"
        # The same day's count from another source is another record: said with both
        # sources, or the change read «39,383（2026-10-01） → 39,383（2026-10-01）».
        other = next((source for (body_id, as_of, source) in records
                      if body_id == body.pk and as_of == row.population_as_of and source != row.population_source), None)
        if now is None and other is not None:
            population, _households = records[(body.pk, row.population_as_of, other)]
            changes.append(("population", str(row.population), FieldChange(
                named["population"], _population_text(population, row.population_as_of, other),
                _population_text(row.population, row.population_as_of, row.population_source))))
        elif now is None:  # a new count: the latest is the population every council divides by
            before = f"{body.population:,}（{body.population_as_of.isoformat()}）" if body.population else ""
            changes.append(("population", str(row.population), FieldChange(named["population"], before, after)))
        else:
            population, households = now
            if population != row.population:
                changes.append(("population", str(row.population), FieldChange(
                    named["population"], f"{population:,}（{row.population_as_of.isoformat()}）", after)))
            if households != row.households:
                changes.append(("households", str(row.households or ""), FieldChange(
                    named["households"], f"{households:,}" if households is not None else "",
                    f"{row.households:,}" if row.households is not None else "")))
    return changes


def _shared_refusals(row: BodyRow, body: MemberBody, changes, councils: list[str]) -> list[RowError]:
    """A body another council also has, and that has not joined this one, keeps its details
    (members.services.shared_details_refusal)."""
    names_ja, names_en = "、".join(councils), ", ".join(councils)
    return [RowError(row.number, change.column, Bilingual(
        f"{body.name}は他の協議会（{names_ja}）にも属し、この協議会にはまだ参加していないため変更できません"
        f"（現在: {change.old or '空欄'}）。研究会以降に参加してから変更するか、管理者に依頼してください",
        f"{body.name} is also in another council ({names_en}) and has not joined this one yet, so this import "
        f"cannot change it (now: {change.old or 'blank'}). Change it once it joins (研究会 onwards), or ask the "
        "administrator"), raw) for _key, raw, change in changes]


def _status_left_alone(report: ImportReport, row: BodyRow, body: MemberBody, status: str,
                       since: datetime.date | None) -> None:
    """A member's status is changed on its page, dated: the file's, where it differs, is said to be left alone."""
    if row.status in (None, status) and row.status_from in (None, since):
        return
    since_text = since.isoformat() if since else "—"
    labels = {}
    for language in ("ja", "en"):
        with translation.override(language):
            labels[language] = str(ParticipationStatus(status).label)
    report.warnings.append(Bilingual(
        f"{row.number}行目: {body.name}は既にこの協議会の構成団体のため、参加状況・開始日は読み込みません"
        f"（現在は{since_text}から{labels['ja']}）。変更は団体の管理画面で行います",
        f"row {row.number}: {body.name} is already a member of this council, so its status and start date are "
        f"not read (now {labels['en']}, since {since_text}): change them on its page"))


@transaction.atomic
def apply_bodies(parsed: ParsedRows, *, consortium: Consortium | None = None) -> ImportResult:
    if not parsed.ok:
        raise ImportRefused(parsed.report)
    # What the preview refused for this council, refused again here, whatever parsed the rows.
    refusals = ImportReport(errors=[], warnings=[])
    _with_changes(parsed.rows, refusals, consortium=consortium)
    if refusals.errors:
        raise ImportRefused(refusals)
    result = ImportResult(rows=len(parsed.rows))
    existing = MemberBody.objects.in_bulk([row.code for row in parsed.rows], field_name="code")
    for row in parsed.rows:
        if row.code not in existing:
            continue
        try:
            _apply_body_row(row, existing[row.code], result, consortium=consortium)
        except ValidationError as error:
            # The preview checks what the save checks; should they ever differ, the row and
            # field are named and the transaction leaves nothing written.
            raise ImportRefused(ImportReport(errors=_row_errors(row.number, error), warnings=[])) from None
    result.created = _add_bodies([row for row in parsed.rows if row.code not in existing], consortium=consortium)
    return result


def _add_bodies(rows: list[BodyRow], *, consortium: Consortium | None) -> int:
    """The bodies new to the installation, in a few queries whatever their number (a national
    file of 1,741 took 22 queries a row): each is checked as its save would check it, then
    written in bulk with its population, its participation and the audit trail's entries."""
    today = timezone.localdate()
    bodies, populations, participations, history = [], [], [], []
    for row in rows:
        body = MemberBody(code=row.code, **{key: value or "" for key, value in row.values.items()})
        try:
            # The code is new to the installation (read in this transaction) and unique in the file.
            body.full_clean(validate_unique=False)
            if row.population is not None:
                population_check(population=row.population, as_of=row.population_as_of, households=row.households)
            if consortium is not None:
                status_date_check(on=row.status_from or today)
        except ValidationError as error:
            raise ImportRefused(ImportReport(errors=_row_errors(row.number, error), warnings=[])) from None
        if row.population is not None:
            # The body's only count is its latest (what services.body_population_refresh copies).
            body.population, body.population_as_of = row.population, row.population_as_of
            populations.append(PopulationRecord(body=body, as_of=row.population_as_of, source=row.population_source,
                                                population=row.population, households=row.households))
        if consortium is not None:
            status, on = row.status or ParticipationStatus.INVITED, row.status_from or today
            # As services.participation_ensure joins it: joining live is going live.
            participation = Participation(body=body, consortium=consortium, status=status,
                                          actual_go_live=on if status == ParticipationStatus.LIVE else None)
            participations.append(participation)
            history.append(StatusChange(participation=participation, status=status, start_date=on))
        bodies.append(body)
    MemberBody.objects.bulk_create(bodies, batch_size=1000)
    PopulationRecord.objects.bulk_create(populations, batch_size=1000)
    Participation.objects.bulk_create(participations, batch_size=1000)
    StatusChange.objects.bulk_create(history, batch_size=1000)
    # Bulk writes send no model signals. The new bodies are the council's from the start, so
    # its trail shows them (a body saved alone has no council yet when its entry is written).
    scope = [consortium.pk] if consortium is not None else []
    log_entries_bulk(
        (instance, LogEntry.Action.CREATE,
         model_instance_diff(None, instance, use_json_for_changes=settings.AUDITLOG_STORE_JSON_CHANGES), scope)
        for instance in (*bodies, *populations, *participations))
    return len(bodies)


def _apply_body_row(row: BodyRow, body: MemberBody, result: ImportResult, *,
                    consortium: Consortium | None) -> None:
    """A body the installation has: its changed details, a new count, and its joining the council."""
    values = {key: value or "" for key, value in row.values.items()}
    changed = False
    if any(getattr(body, key) != value for key, value in values.items()):
        for key, value in values.items():
            setattr(body, key, value)
        body.full_clean()
        body.save()
        changed = True
    if row.population is not None:
        # A new or corrected count changes the body as much as a new name does.
        changed = changed or not body.populations.filter(
            as_of=row.population_as_of, source=row.population_source, population=row.population,
            households=row.households).exists()
        population_record(body=body, population=row.population, as_of=row.population_as_of,
                          households=row.households, source=row.population_source)
    if changed:
        result.updated += 1
    else:
        result.unchanged += 1
    if consortium is not None:
        participation_ensure(body=body, consortium=consortium, status=row.status or ParticipationStatus.INVITED,
                             on=row.status_from or timezone.localdate())


def _row_errors(number: int, error: ValidationError) -> list[RowError]:
    """A refusal at the save, named by row and column in the language of whoever imports."""
    columns = {column.key: column.named for column in BODY_IMPORT_COLUMNS}
    fields = {**POPULATION_COLUMNS, "on": "status_from"}
    by_field = error.message_dict if hasattr(error, "error_dict") else {NON_FIELD_ERRORS: error.messages}
    return [RowError(number, columns.get(fields.get(name, name), ""), " ".join(texts))
            for name, texts in by_field.items()]


@dataclass(frozen=True)
class CostRow:
    number: int
    body_id: int
    system_id: int
    amounts: dict[str, int]
    vendor: str
    contract_end: datetime.date | None


def _system_lookup(systems: QuerySet[BusinessSystem]) -> dict[str, int]:
    """The systems a file may name, by code or by name in either language: a system of a
    council the rows are not for reads as unknown."""
    lookup = {}
    for system_id, code, name_ja, name_en in systems.values_list("id", "code", "name_ja", "name_en"):
        for key in (code, name_ja, name_en):
            lookup[key.strip().lower()] = system_id
    return lookup


def parse_costs(data: bytes, filename: str, *, consortium: Consortium, fiscal_year: int,
                unit: str = "yen") -> ParsedRows:
    """The secretariat's file: rows for any of the consortium's members whose figures of
    the year are its business (permissions.council_years)."""
    members = dict(consortium.participations.values_list("body__code", "body_id"))
    outsider = CellError(f"協議会「{consortium.name}」の構成団体ではありません", "not a member of this consortium")
    return _parse_cost_rows(data, filename, COST_COLUMNS, members=members, outsider=outsider,
                            systems=catalogue_for(consortium=consortium),
                            fiscal_year=fiscal_year, unit=unit,
                            refused=_others_figures(consortium=consortium, fiscal_year=fiscal_year))


def _others_figures(*, consortium: Consortium, fiscal_year: int) -> dict[int, CellError]:
    """The members only invited whose figures of the year are another council's until they
    answer this council's survey of it, each with the reason its rows are refused: the
    import overwrote what the other council's survey shares. A member that has joined
    is surveyed here (the import opens the year's round if need be)."""
    invited = MemberBody.objects.filter(participations__consortium=consortium,
                                        participations__status=ParticipationStatus.INVITED)
    refused = {}
    for body in invited:
        years = council_years(body, {consortium.pk})
        if years is not None and fiscal_year not in years:
            year_ja, year_en = fiscal_year_ja(fiscal_year, "era"), fiscal_year_english(fiscal_year, "era")
            refused[body.pk] = CellError(
                f"{body.name}はこの協議会では招待中で、他の協議会の構成団体です。{year_ja}の経費は、"
                "この協議会に参加するか、この協議会の調査に回答するまで、他の協議会のものです",
                f"{body.name} is only invited to this council and is in another: its {year_en} figures are the "
                "other council's until it joins this one or answers this council's survey")
    return refused


def parse_body_costs(data: bytes, filename: str, *, body: MemberBody, fiscal_year: int,
                     unit: str = "yen") -> ParsedRows:
    """A member's own file: every row is the body's own; the code column may be left out
    or blank, and a row with another body's code is an error."""
    outsider = CellError(f"{body.name}（{body.code}）以外の団体の行です", f"a row for a body other than {body.code}")
    return _parse_cost_rows(data, filename, OWN_COST_COLUMNS, members={body.code: body.pk}, outsider=outsider,
                            systems=catalogue_for_body(body=body),
                            fiscal_year=fiscal_year, unit=unit, default_code=body.code)


def _parse_cost_rows(data: bytes, filename: str, columns, *, members: dict[str, int], outsider: CellError,
                     systems: QuerySet[BusinessSystem],
                     fiscal_year: int, unit: str, default_code: str | None = None,
                     refused: dict[int, CellError] | None = None) -> ParsedRows:
    columns = (*columns, *FIGURE_COLUMNS)
    table, headers, report = _open(data, filename, columns)
    by_category = any(category.value in headers for category in CostCategory)
    by_figure = "category" in headers and "amount" in headers
    if by_category == by_figure:  # neither layout, or both
        names = [column.named for column in columns if column.key in CostCategory.values]
        reason = Bilingual(
            f"費目の列がありません（{'、'.join(names)}のいずれか、または「費目」と「金額」の2列）",
            f"there is no column for a cost category (any of {', '.join(name.en for name in names)}, or the two "
            "columns category (費目) and amount (金額))") if not by_category else Bilingual(
            "費目ごとの金額の列と「費目」「金額」の列の両方があります。どちらか一方の形にしてください",
            "there are both a column a category and the columns category (費目) and amount (金額): keep one layout")
        _refuse_headings(table, reason)
    amount_keys = ["amount"] if by_figure else [key for key in CostCategory.values if key in headers]
    _unit_check(table, [headers[key] for key in amount_keys], unit=unit)
    words = _category_words()
    systems = _system_lookup(systems)
    whole = systems[WHOLE_SYSTEM_CODE]
    year_ja, year_en = fiscal_year_ja(fiscal_year, "era"), fiscal_year_english(fiscal_year, "era")
    # Nobody changes a locked year, by hand or by file (a body in two councils: either lock).
    locked = set(SurveyRound.objects.filter(status=SurveyRound.Status.LOCKED, fiscal_year=fiscal_year,
                                            consortium__participations__body_id__in=members.values())
                 .values_list("consortium__participations__body_id", flat=True))
    parsed = ParsedRows(report=report)
    # One figure per body, system and category; a system may take several rows when its
    # categories have different vendors or contract ends.
    seen: dict[tuple[int, int, str], int] = {}
    for row in table.rows:
        cells = _RowReader(row, headers, columns, report)
        code = cells.get("code", parse_text, required=default_code is None) or default_code
        restored = zero_dropped(code) if code and code not in members else None
        if restored in members:
            code = _restored(report, row.number, code, restored)
        body_id = members.get(code)
        if code and body_id is None:
            # A mistyped code is said to be one, not to be a body outside the council.
            problem = code_problem(code)
            cells.error("code", code, CODE_ERRORS[problem](code) if problem else outsider)
        elif body_id in locked:
            cells.error("code", code, CellError(f"{year_ja}の経費調査は確定済みのため変更できません",
                                                f"the {year_en} survey is locked"))
        elif refused and body_id in refused:
            cells.error("code", code, refused[body_id])
        system_text = cells.raw("system")
        if heading_key(system_text) in TOTAL_WORDS and not cells.raw("category"):
            report.warnings.append(Bilingual(f"{row.number}行目は合計の行として読み込みません",
                                             f"row {row.number} is a total and is not read"))
            continue
        system_id = systems.get(system_text.lower(), None) if system_text else whole
        if system_id is None:
            cells.error("system", system_text, CellError("業務名が業務一覧にありません",
                                                         "unknown business system"))
        year_text = cells.raw("fiscal_year")
        other_year = False
        if year_text:
            year = cells.get("fiscal_year", parse_fiscal_year)
            other_year = year is not None and year != fiscal_year
            if other_year:
                cells.error("fiscal_year", year_text, CellError(f"{year_ja}の取込みに別の年度があります",
                                                                f"row is for another fiscal year than {year_en}"))
        amounts = {}
        for category, column in (_figure_of(cells, words) if by_figure else ((key, key) for key in amount_keys)):
            amount = cells.get(column, parse_yen, unit=unit)
            if amount is None:
                continue
            amounts[category] = amount
            key = (body_id, system_id, category)
            if key in seen:
                cells.error(column, cells.raw(column), CellError(
                    f"{seen[key]}行目と同じ団体・業務・費目です", f"same body, system and category as row {seen[key]}"))
            elif body_id and system_id and not other_year:  # a row of another year is no figure of this one
                seen[key] = row.number
        vendor = cells.get("vendor", VENDOR_PARSER) or ""
        contract_end = cells.get("contract_end", parse_business_date)
        if not cells.failed:
            parsed.rows.append(CostRow(row.number, body_id, system_id, amounts, vendor, contract_end))
    return parsed


def _category_words() -> dict[str, str]:
    """A category as a 費目 cell may name it: the sheet's headings, and its label on the pages in either language."""
    words = {heading_key(name): category for category, (label, aliases) in CATEGORY_LABELS.items()
             for name in (label, *aliases)}
    for language in ("en", "ja"):
        with translation.override(language):
            words.update({heading_key(str(label)): category for category, label in CostCategory.choices})
    return words


def _figure_of(cells: _RowReader, words: dict[str, str]) -> list[tuple[str, str]]:
    """A row a figure: its category (from the 費目 cell) and the column of its amount."""
    text = cells.raw("category")
    if not text:
        if cells.raw("amount"):
            cells.error("category", text, CellError("必須項目が空です", "required value is blank"))
        return []
    category = words.get(heading_key(text))
    if category is None:
        labels = "、".join(label for label, _aliases in CATEGORY_LABELS.values())
        cells.error("category", text, CellError(f"費目として読めません（{labels}のいずれか）",
                                                "not a cost category (" + ", ".join(
                                                    aliases[0] for _label, aliases in CATEGORY_LABELS.values()) + ")"))
        return []
    return [(category, "amount")]


def _unit_check(table: Table, headings: list[str], *, unit: str) -> None:
    """Refuses amounts whose heading gives a unit (「ソフトウェア費（円）」) other than the one
    chosen: read in the chosen one, every figure would be a thousand times off. Refused, not
    questioned: the way on is to choose the heading's unit (or correct the heading) and upload
    again, and no figure of a file whose headings contradict the form is written."""
    other = [heading for heading in headings if heading_unit(heading) not in (None, unit)]
    if not other:
        return
    (chosen_ja, chosen_en), (said_ja, said_en) = UNIT_NAMES[unit], UNIT_NAMES[heading_unit(other[0])]
    raise ImportRefused(ImportReport(errors=[RowError(table.heading_number, "", Bilingual(
        f"列「{'」「'.join(other)}」の見出しは{said_ja}ですが、金額の単位には{chosen_ja}が選ばれています。"
        f"このままでは金額が1,000倍違って読まれます。単位に{said_ja}を選ぶか見出しを直して、もう一度アップロードしてください",
        f"the heading of {', '.join(other)} says {said_en}, but the amounts were to be read in {chosen_en}: every "
        f"amount would be a thousand times off. Choose {said_en} as the unit, or correct the heading, and upload "
        "again"), "")], warnings=[]))


@dataclass(frozen=True)
class YearTotals:
    """A body's year total as an upload would leave it, beside what it is and the year before's."""
    after: int
    now: int | None
    year_before: int | None


def year_totals_after(parsed: ParsedRows, *, fiscal_year: int, body_ids=()) -> dict[int, YearTotals]:
    """Each body's year total as the file would leave it (its figures replace the same
    business system and category; the rest stay), for the bodies in the file and
    ``body_ids``: two queries whatever their number."""
    body_ids = set(body_ids) | {row.body_id for row in parsed.rows}
    figures: dict[int, dict] = {body_id: {} for body_id in body_ids}
    for body_id, system_id, category, amount in CostRecord.objects.filter(
            body_id__in=body_ids, fiscal_year=fiscal_year).values_list("body_id", "business_system_id", "category",
                                                                       "amount"):
        figures[body_id][system_id, category] = amount
    now = {body_id: sum(held.values()) for body_id, held in figures.items() if held}
    for row in parsed.rows:
        for category, amount in row.amounts.items():
            figures[row.body_id][row.system_id, category] = amount
    before = dict(BodyYearCost.objects.filter(body_id__in=body_ids, fiscal_year=fiscal_year - 1)
                  .values_list("body_id", "total"))
    return {body_id: YearTotals(after=sum(held.values()), now=now.get(body_id), year_before=before.get(body_id))
            for body_id, held in figures.items()}


@transaction.atomic
def apply_costs(parsed: ParsedRows, *, fiscal_year: int, consortium: Consortium | None = None) -> ImportResult:
    """Write the rows; with ``consortium`` (the secretariat's import), a year the council
    has no survey round for gets one, closed: the year's figures are then on its pages."""
    if not parsed.ok:
        raise ImportRefused(parsed.report)
    if consortium is not None:
        survey_round_ensure(consortium=consortium, fiscal_year=fiscal_year, status=SurveyRound.Status.CLOSED)
    result = ImportResult(rows=len(parsed.rows))
    body_ids = {row.body_id for row in parsed.rows}
    existing = {
        (record.body_id, record.business_system_id, record.category): record
        for record in CostRecord.objects.filter(fiscal_year=fiscal_year, body_id__in=body_ids)
    }
    to_create, to_update = [], []
    previous: dict[int, tuple] = {}
    now = timezone.now()  # bulk_update does not stamp auto_now: a changed figure says when it changed
    for row in parsed.rows:
        for category, amount in row.amounts.items():
            record = existing.get((row.body_id, row.system_id, category))
            if record is None:
                to_create.append(CostRecord(
                    body_id=row.body_id, fiscal_year=fiscal_year, business_system_id=row.system_id,
                    category=category, amount=amount, vendor=row.vendor, contract_end=row.contract_end,
                ))
            elif (record.amount, record.vendor, record.contract_end) != (amount, row.vendor, row.contract_end):
                previous[record.pk] = (record.amount, record.vendor, record.contract_end)
                record.amount, record.vendor, record.contract_end = amount, row.vendor, row.contract_end
                record.updated_at = now
                to_update.append(record)
            else:
                result.unchanged += 1
    CostRecord.objects.bulk_create(to_create, batch_size=1000)
    CostRecord.objects.bulk_update(to_update, ["amount", "vendor", "contract_end", "updated_at"], batch_size=1000)
    result.created, result.updated = len(to_create), len(to_update)
    _audit_bulk_writes(to_create, to_update, previous)
    cost_summaries_refresh(body_ids=body_ids, fiscal_years=[fiscal_year])
    return result


def template_csv(columns) -> bytes:
    """An empty file with the Japanese headings, for the upload pages' download link."""
    return ("\ufeff" + ",".join(column.label for column in columns) + "\r\n").encode("utf-8")


def _audit_bulk_writes(created: list[CostRecord], updated: list[CostRecord], previous: dict[int, tuple]) -> None:
    """Bulk writes send no model signals, so the audit trail is written here, in bulk too:
    each figure's name and consortia read from bodies and systems loaded once."""
    records = created + updated
    bodies = MemberBody.objects.in_bulk({record.body_id for record in records})
    systems = BusinessSystem.objects.in_bulk({record.business_system_id for record in records})
    consortia: dict[int, list[int]] = {body_id: [] for body_id in bodies}
    for body_id, consortium_id in Participation.objects.filter(body_id__in=bodies).values_list(
            "body_id", "consortium_id"):
        consortia[body_id].append(consortium_id)
    for record in records:
        record.body, record.business_system = bodies[record.body_id], systems[record.business_system_id]
    fields = ("amount", "vendor", "contract_end")
    log_entries_bulk([
        *((record, LogEntry.Action.CREATE, {field: [None, str(getattr(record, field))] for field in fields},
           consortia[record.body_id]) for record in created),
        *((record, LogEntry.Action.UPDATE, {
            field: [str(old), str(getattr(record, field))]
            for field, old in zip(fields, previous[record.pk], strict=True) if old != getattr(record, field)},
           consortia[record.body_id]) for record in updated),
    ])
