"""Member import: a 50,000-row .xlsx validated and applied end to end, against a bulk insert.

For the editor of the provincial union with the most organisations (personal data allowed),
a member list of 50,000 rows spread over the union's associations and chapters is written
with openpyxl (not timed), then imported as the background worker does it:
(a) the first pass, ``member_import_validate`` (read the file, check every row);
(b) the second pass, ``member_import_apply`` (check the kept cells again, write the clean rows
    in one transaction);
(c) the baseline: the same rows' persons, nationalities, memberships, status periods and
    consents inserted with ``bulk_create`` from objects built beforehand, in one transaction.
Target: (a)+(b) under 60 s. Everything the benchmark wrote is removed afterwards, so the
data set stays as ``generate_scale`` made it. Runs once whatever ``--runs`` says.
"""

import datetime
import io
import random
import time
from collections import Counter

from django.contrib.auth import get_user_model
from django.core.files.base import ContentFile
from django.db import connection, transaction
from django.db.models import Max
from openpyxl import Workbook

from bench.timing import print_table
from huunghi.network import imports
from huunghi.network.models import Membership, MembershipPeriod
from huunghi.orgs.choices import OrgKind
from huunghi.orgs.models import ImportJob, Organization
from huunghi.orgs.scale import PREFIX
from huunghi.people.choices import ConsentMethod, ConsentPurpose
from huunghi.people.models import Consent, Person

ROWS = 50_000
TARGET_SECONDS = 60
FAMILY = ["Nguyễn", "Trần", "Lê", "Phạm", "Hoàng", "Phan", "Vũ", "Đặng", "Bùi", "Đỗ", "Hồ"]
MIDDLE = ["Văn", "Thị", "Hữu", "Đức", "Minh", "Thanh", "Ngọc", "Quang", "Xuân", "Thu", ""]
GIVEN = ["An", "Bình", "Cường", "Dung", "Giang", "Hà", "Hải", "Hạnh", "Hoa", "Hùng", "Khánh",
         "Lan", "Linh", "Long", "Mai", "Minh", "Nam", "Nga", "Phương", "Quân", "Sơn", "Tâm",
         "Thảo", "Trang", "Tuấn", "Vân", "Yến"]  # fmt: skip
MODELS = (Consent, MembershipPeriod, Membership, Person.nationalities.through, Person)


def subject():
    """The union with the most organisations under it, and its editor."""
    union = (
        Organization.objects.filter(kind=OrgKind.PROVINCIAL_UNION, depth=2, valid_to__isnull=True)
        .order_by("-numchild", "path")
        .first()
    )
    user = get_user_model().objects.get(username=f"{PREFIX}{union.code}_editor")
    return union, user


def member_file(union, *, rows: int, seed: int) -> bytes:
    """A member list of ``rows`` rows over the union's open associations and chapters:
    dates as text and as Excel dates, communes by GSO code and by name, unique phones."""
    rng = random.Random(seed)
    orgs = list(
        Organization.objects.filter(
            path__startswith=union.path,
            kind__in=imports.MEMBER_KINDS,
            valid_to__isnull=True,
            deleted_at__isnull=True,
        ).values_list("code", flat=True)
    )
    _province, communes = imports._communes(union)
    phone_base = rng.randrange(10**7)
    wb = Workbook(write_only=True)
    ws = wb.create_sheet(imports.SHEET)
    ws.append([c.header for c in imports.COLUMNS])
    for n in range(rows):
        born = datetime.date(1950, 1, 1) + datetime.timedelta(days=rng.randrange(20_000))
        joined = born + datetime.timedelta(days=rng.randrange(18 * 365, 19 * 365 + 3000))
        joined = min(joined, datetime.date(2025, 12, 31))
        commune = rng.choice(communes)
        consent = n % 3 != 0
        ws.append(
            [
                rng.choice(FAMILY),
                rng.choice(MIDDLE),
                rng.choice(GIVEN),
                rng.choice(["Nam", "Nữ"]),
                born.strftime("%d/%m/%Y")
                if n % 2
                else datetime.datetime.combine(born, datetime.time()),
                f"09{(phone_base + n) % 10**8:08d}",
                f"hv{n}@example.vn" if n % 4 == 0 else None,
                f"{n % 300 + 1} đường {rng.choice(GIVEN)}",
                commune.code if n % 2 else commune.name,
                rng.choice(["Giáo viên", "Kỹ sư", "Bác sĩ", "Hưu trí", "Sinh viên", None]),
                None,
                "Kinh",
                "VN",
                rng.choice(orgs),
                joined.strftime("%d/%m/%Y"),
                f"BENCH-{seed}-{n:06d}",
                "Đang sinh hoạt",
                "Có" if consent else "Không",
                joined.strftime("%d/%m/%Y") if consent else None,
                None,
            ]
        )
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()


def baseline_insert(clean) -> float:
    """Seconds to bulk-insert the rows' records from objects built beforehand."""
    persons = []
    for _n, v in clean:
        person = Person(
            organization_id=v["organization_id"],
            family_name=v["family_name"],
            middle_name=v["middle_name"],
            given_name=v["given_name"],
            gender=v["gender"] or "",
            date_of_birth=v["date_of_birth"],
            phone=v["phone"],
            email=v["email"],
            address=v["address"],
            commune_id=v["commune_id"],
            occupation=v["occupation"],
            ethnicity=v["ethnicity"] or "",
        )
        person.fill_derived()
        persons.append(person)
    through = Person.nationalities.through
    started = time.perf_counter()
    with transaction.atomic():
        Person.objects.bulk_create(persons, batch_size=imports.BATCH)
        through.objects.bulk_create(
            [
                through(person_id=p.pk, country_id=c)
                for p, (_n, v) in zip(persons, clean, strict=True)
                for c in v["country_ids"]
            ],
            batch_size=imports.BATCH,
        )
        members = Membership.objects.bulk_create(
            [
                Membership(
                    organization_id=v["organization_id"],
                    person_id=p.pk,
                    joined_on=v["joined_on"],
                    status=v["status"],
                    status_since=v["joined_on"],
                )
                for p, (_n, v) in zip(persons, clean, strict=True)
            ],
            batch_size=imports.BATCH,
        )
        MembershipPeriod.objects.bulk_create(
            [
                MembershipPeriod(membership_id=m.pk, status=m.status, valid_from=m.joined_on)
                for m in members
            ],
            batch_size=imports.BATCH,
        )
        Consent.objects.bulk_create(
            [
                Consent(
                    person_id=p.pk,
                    purposes=[ConsentPurpose.MEMBERSHIP],
                    given_on=v["consent_on"],
                    method=ConsentMethod.WRITTEN,
                )
                for p, (_n, v) in zip(persons, clean, strict=True)
                if v["consent"]
            ],
            batch_size=imports.BATCH,
        )
    return time.perf_counter() - started


def high_water() -> dict:
    return {model: model._base_manager.aggregate(m=Max("pk"))["m"] or 0 for model in MODELS}


def clean_up(before: dict, job: ImportJob | None) -> None:
    """Remove every row the benchmark wrote (plain SQL deletes: no trash, no cascade walk)."""
    with transaction.atomic():
        for model in MODELS:
            model._base_manager.filter(pk__gt=before[model])._raw_delete(connection.alias)
        if job is not None:
            from wagtail.models import ModelLogEntry

            ModelLogEntry.objects.filter(
                content_type__model="importjob", object_id=str(job.pk)
            ).delete()
            storage = job.file.storage
            for name in (job.file.name, job.result.get("cells")):
                if name:
                    storage.delete(name)
            ImportJob.all_objects.filter(pk=job.pk).hard_delete()


def run(runs: int = 50) -> None:
    union, user = subject()
    seed = random.SystemRandom().randrange(10**6)
    started = time.perf_counter()
    data = member_file(union, rows=ROWS, seed=seed)
    written = time.perf_counter() - started
    print(
        f"{ROWS:,} rows × {len(imports.COLUMNS)} columns into {union.code} as {user.username}: "
        f"file of {len(data) / 2**20:.1f} MiB written in {written:.1f} s (not timed)"
    )
    before = high_water()
    job = None
    try:
        job = ImportJob.objects.create(
            organization=union,
            kind=imports.KIND,
            file=ContentFile(data, name="bench.xlsx"),
            original_name="bench.xlsx",
            created_by=user,
            options={"language": "vi"},
        )
        started = time.perf_counter()
        imports.member_import_validate(job.pk)
        validated = time.perf_counter() - started
        job.refresh_from_db()
        if job.status == ImportJob.Status.FAILED:
            print(f"  !! the check failed: {job.result.get('error')}")
            return

        started = time.perf_counter()
        headers, rows = imports._load_cells(job)
        checker = imports.MemberRows(actor=user, target=union)
        clean, _problems = checker.check(headers, rows)
        checked = time.perf_counter() - started

        ImportJob.all_objects.filter(pk=job.pk).update(
            status=ImportJob.Status.APPLYING,
            options={**job.options, "clean_only": True, "confirmed_by": user.pk},
        )
        started = time.perf_counter()
        imports.member_import_apply(job.pk)
        applied = time.perf_counter() - started
        job.refresh_from_db()
        if job.status != ImportJob.Status.APPLIED:
            print(f"  !! the import ended as {job.status}: {job.result.get('error')}")
            return

        baseline = baseline_insert(clean)
    finally:
        clean_up(before, job)

    total = validated + applied
    bad_rows = len({p["row"] for p in job.problems})
    print(
        f"rows imported {job.result['memberships_created']:,}, persons created "
        f"{job.result['persons_created']:,}, consents {job.result['consents_created']:,}; "
        f"rows left out with problems {bad_rows:,} (the file is random: some rows match a "
        f"person of the data set or name an ambiguous commune)"
    )
    by_column = Counter(p["column"] for p in job.problems)
    if by_column:
        print("  problems by column: " + ", ".join(f"{c} {n}" for c, n in by_column.most_common()))

    def rate(seconds, rows=ROWS):
        return f"{rows / seconds:,.0f}".replace(",", ".")

    print_table(
        ["", "seconds", "rows/s", "vs (c)"],
        [
            ["(a) first pass: read the file + check", f"{validated:.1f}", rate(validated), ""],
            ["    of which the check (kept cells)", f"{checked:.1f}", rate(checked), ""],
            ["(b) second pass: check again + write", f"{applied:.1f}", rate(applied), ""],
            [
                "(a)+(b) import end to end",
                f"{total:.1f}",
                rate(total),
                f"{total / baseline:.1f}×",
            ],
            [
                "(c) baseline: bulk insert of the same rows",
                f"{baseline:.1f}",
                rate(baseline),
                "1.0×",
            ],
        ],
    )
    verdict = "within" if total < TARGET_SECONDS else "OVER"
    print(f"end to end {total:.1f} s: {verdict} the {TARGET_SECONDS} s target")
