"""Synthetic persons for ``generate_scale`` (see ``huunghi.orgs.scale``): the members of the
generated associations and chapters, each kept by the organisation they join, with a
consent record for most.

Names are drawn from short lists of Vietnamese family, middle and given names (weighted
like the real ones), not from Faker, which would take minutes for 500,000 persons.
Each organisation's persons come from a random generator of its own, so a second run
finds how many persons an organisation already keeps and creates only the rest.
"""

import datetime
import random
from collections import Counter, defaultdict

from django.db.models import Count

from huunghi.orgs.choices import OrgKind
from huunghi.orgs.models import Organization
from huunghi.orgs.scale import END, PREFIX, ScaleContext, random_date, register, spread
from huunghi.places.models import AdministrativeUnit, CodeSystem, UnitLevel

from .choices import ConsentMethod, ConsentPurpose, ConsentState, Gender
from .models import Consent, Person

#: persons (members) per size; ``ScaleSize.extra["persons"]`` overrides it
PERSONS = {"small": 400, "national": 500_000}
BATCH = 2000
#: persons built in memory before they are written (keeps memory flat at national size)
CHUNK = 20_000
#: consent forms came with Decree 13/2023 on personal data, in force from 1 July 2023
CONSENT_FROM = datetime.date(2023, 7, 1)

# Family names with their approximate share of the population (per cent).
FAMILY = {
    "Nguyễn": 38.0, "Trần": 11.0, "Lê": 9.5, "Phạm": 7.0, "Hoàng": 4.0, "Huỳnh": 2.0,
    "Phan": 4.5, "Vũ": 2.5, "Võ": 1.5, "Đặng": 2.1, "Bùi": 2.0, "Đỗ": 1.4, "Hồ": 1.3,
    "Ngô": 1.3, "Dương": 1.0, "Lý": 0.5, "Đinh": 0.7, "Đào": 0.6, "Trịnh": 0.5, "Mai": 0.4,
    "Trương": 0.6, "Lương": 0.4, "Hà": 0.4, "Tạ": 0.2, "Cao": 0.3, "Lâm": 0.3, "Chu": 0.2,
    "Tô": 0.2, "Lưu": 0.2, "Thái": 0.2, "Kiều": 0.1, "Quách": 0.1, "Tôn": 0.1,
}  # fmt: skip
MIDDLE = {
    Gender.MALE: {
        "Văn": 30.0, "Đức": 8.0, "Minh": 8.0, "Quốc": 6.0, "Hữu": 6.0, "Công": 5.0,
        "Thành": 4.0, "Xuân": 4.0, "Đình": 5.0, "Ngọc": 3.0, "Anh": 3.0, "Quang": 4.0,
        "Trọng": 3.0, "Mạnh": 2.0, "Duy": 2.0, "Thanh": 3.0, "Hoàng": 2.0, "Tuấn": 2.0,
    },
    Gender.FEMALE: {
        "Thị": 45.0, "Ngọc": 7.0, "Thu": 6.0, "Thanh": 6.0, "Minh": 3.0, "Hồng": 5.0,
        "Kim": 4.0, "Thùy": 3.0, "Phương": 3.0, "Bích": 3.0, "Mai": 2.0, "Diệu": 1.0,
        "Khánh": 1.0, "Bảo": 1.0, "Hải": 1.0, "Lan": 1.0,
    },
}  # fmt: skip
GIVEN = {
    Gender.MALE: [
        "An", "Bảo", "Bình", "Cường", "Dũng", "Duy", "Đạt", "Đức", "Giang", "Hải", "Hiếu",
        "Hòa", "Hoàng", "Hùng", "Huy", "Khánh", "Khoa", "Kiên", "Lâm", "Long", "Minh", "Nam",
        "Nghĩa", "Phong", "Phúc", "Quân", "Quang", "Sơn", "Tài", "Tâm", "Thắng", "Thành",
        "Tiến", "Toàn", "Trung", "Tuấn", "Tùng", "Việt", "Vinh", "Vũ",
    ],
    Gender.FEMALE: [
        "Anh", "Chi", "Dung", "Giang", "Hà", "Hạnh", "Hằng", "Hiền", "Hoa", "Hồng", "Huệ",
        "Hương", "Huyền", "Lan", "Liên", "Linh", "Loan", "Mai", "My", "Nga", "Ngân", "Ngọc",
        "Nhung", "Oanh", "Phương", "Quyên", "Quỳnh", "Tâm", "Thảo", "Thoa", "Thu", "Thủy",
        "Trang", "Trinh", "Tuyết", "Uyên", "Vân", "Xuân", "Yến",
    ],
}  # fmt: skip
ETHNICITY = {
    "Kinh": 85.0, "Tày": 1.9, "Thái": 1.9, "Mường": 1.5, "Khmer": 1.4, "Mông": 1.4,
    "Nùng": 1.1, "Dao": 0.9, "Hoa": 0.8, "Gia Rai": 0.5, "Ê Đê": 0.4, "Ba Na": 0.3,
    "Chăm": 0.2, "Sán Dìu": 0.2,
}  # fmt: skip
OCCUPATIONS = {
    "Cán bộ hưu trí": 22.0, "Giáo viên": 10.0, "Giảng viên": 5.0, "Công chức": 10.0,
    "Viên chức": 8.0, "Doanh nhân": 8.0, "Kỹ sư": 6.0, "Bác sĩ": 4.0, "Sinh viên": 6.0,
    "Cựu chiến binh": 5.0, "Nhà báo": 2.0, "Luật sư": 1.0, "Kế toán": 3.0,
    "Phiên dịch viên": 2.0, "Hướng dẫn viên du lịch": 1.0, "Nghệ sĩ": 1.0,
    "Nông dân": 3.0, "Công nhân": 3.0,
}  # fmt: skip
LANGUAGES = ["Tiếng Anh", "Tiếng Nga", "Tiếng Pháp", "Tiếng Trung", "Tiếng Nhật", "Tiếng Hàn"]
LANGUAGES += ["Tiếng Lào", "Tiếng Đức", "Tiếng Séc", "Tiếng Tây Ban Nha"]
MOBILE_PREFIXES = ["090", "091", "093", "094", "096", "097", "098", "086", "088", "089"]
MOBILE_PREFIXES += ["032", "033", "034", "035", "036", "037", "038", "039", "070", "076"]
MOBILE_PREFIXES += ["077", "078", "079", "081", "082", "083", "084", "085", "056", "058"]
ASCII = str.maketrans("ăâđêôơưĂÂĐÊÔƠƯ", "aadeoouAADEOOU")


class _Choice:
    """Weighted choice from a dict, faster than ``rng.choices`` called each time."""

    def __init__(self, weights: dict):
        from itertools import accumulate

        self.items = list(weights)
        self.cum = list(accumulate(weights.values()))
        self.total = self.cum[-1]

    def __call__(self, rng: random.Random):
        from bisect import bisect

        return self.items[bisect(self.cum, rng.random() * self.total)]


_family = _Choice(FAMILY)
_middle = {g: _Choice(w) for g, w in MIDDLE.items()}
_ethnicity = _Choice(ETHNICITY)
_occupation = _Choice(OCCUPATIONS)


def member_organisations() -> list[Organization]:
    """The generated associations and chapters, in code order (the plan's order)."""
    return list(
        Organization.objects.filter(
            code__startswith=PREFIX,
            kind__in=[OrgKind.ASSOCIATION, OrgKind.CHAPTER],
            deleted_at__isnull=True,
        )
        .only(
            "id",
            "code",
            "kind",
            "path",
            "unit_id",
            "valid_from",
            "valid_to",
            *Organization.search_fields,
        )
        .order_by("code")
    )


def _ascii(text: str) -> str:
    from huunghi.core.text import normalise

    return normalise(text.translate(ASCII)).replace(" ", "")


def plan_person(rng: random.Random, org: Organization, communes: list[int]) -> dict:
    """One person as kept by ``org``: name, gender, birth date, contact, place, consent."""
    gender = Gender.FEMALE if rng.random() < 0.47 else Gender.MALE
    family = _family(rng)
    middle = _middle[gender](rng)
    given = rng.choice(GIVEN[gender])
    # Members are mostly of working age or retired: 20 to 85 years old in mid-2026.
    age = int(rng.triangular(20, 86, 55))
    born = random_date(rng, datetime.date(2026 - age - 1, 7, 1), datetime.date(2026 - age, 6, 30))
    phone = ""
    if rng.random() < 0.9:
        phone = rng.choice(MOBILE_PREFIXES) + f"{rng.randrange(10_000_000):07d}"
    email = ""
    if rng.random() < 0.25:
        email = f"{_ascii(given)}.{_ascii(family)}{rng.randrange(1, 10_000)}@example.com"
    if org.kind == OrgKind.CHAPTER and org.unit_id and rng.random() < 0.7:
        commune = org.unit_id  # most members of a chapter live in its commune
    else:
        commune = rng.choice(communes) if communes else None
    address = rng.choice(["Số %(n)d, tổ %(t)d", "Thôn %(t)d", "Số %(n)d, ngõ %(t)d"]) % {
        "n": rng.randint(1, 300),
        "t": rng.randint(1, 30),
    }
    consent = None
    if rng.random() < 0.88:
        given_on = random_date(rng, CONSENT_FROM, END)
        purposes = [ConsentPurpose.MEMBERSHIP]
        for purpose, share in (
            (ConsentPurpose.COMMUNICATION, 0.7),
            (ConsentPurpose.STATISTICS, 0.8),
            (ConsentPurpose.PUBLICATION, 0.3),
            (ConsentPurpose.PARTNERS, 0.15),
        ):
            if rng.random() < share:
                purposes.append(purpose)
        r = rng.random()
        method = (
            ConsentMethod.WRITTEN
            if r < 0.7
            else ConsentMethod.ELECTRONIC
            if r < 0.95
            else ConsentMethod.RECORDED
        )
        withdrawn_on = None
        if rng.random() < 0.02 and given_on + datetime.timedelta(days=30) < END:
            withdrawn_on = random_date(rng, given_on + datetime.timedelta(days=30), END)
        consent = {
            "purposes": [str(p) for p in purposes],
            "given_on": given_on,
            "method": method,
            "withdrawn_on": withdrawn_on,
        }
    return {
        "family_name": family,
        "middle_name": middle,
        "given_name": given,
        "gender": gender,
        "date_of_birth": born,
        "phone": phone,
        "email": email,
        "address": address,
        "commune_id": commune,
        "ethnicity": _ethnicity(rng) if rng.random() < 0.9 else "",
        "occupation": _occupation(rng) if rng.random() < 0.8 else "",
        "foreign_languages": rng.choice(LANGUAGES) if rng.random() < 0.5 else "",
        "consent": consent,
    }


def persons_per_organisation(ctx: ScaleContext, orgs: list[Organization]) -> list[int]:
    """How many persons each organisation keeps: chapters and associations alike, open ones
    more than closed ones, unevenly (a few large, many small)."""
    rng = ctx.rng("persons")
    total = ctx.size.extra.get("persons", PERSONS[ctx.size.name])
    weights = [
        rng.lognormvariate(0, 0.7)
        * (1.5 if org.kind == OrgKind.ASSOCIATION else 1.0)
        * (0.4 if org.valid_to else 1.0)
        for org in orgs
    ]
    return spread(total, weights, 0, total, rng)


@register(order=50)
def persons(ctx: ScaleContext) -> None:
    """The members of the generated associations and chapters, with their consents."""
    orgs = member_organisations()
    wanted = persons_per_organisation(ctx, orgs)
    kept = Counter(
        dict(
            Person.all_objects.filter(organization__code__startswith=PREFIX)
            .order_by()
            .values_list("organization_id")
            .annotate(n=Count("id"))
        )
    )
    communes: defaultdict[int, list[int]] = defaultdict(list)
    province_of: dict[int, int] = {}
    for unit_id, parent_id in (
        AdministrativeUnit.objects.filter(code_system=CodeSystem.GSO_2025, level=UnitLevel.COMMUNE)
        .order_by("code")
        .values_list("id", "parent_id")
    ):
        communes[parent_id].append(unit_id)
        province_of[unit_id] = parent_id

    pending: list[tuple[Person, dict | None]] = []
    for org, n in zip(orgs, wanted, strict=True):
        if kept[org.pk] >= n:
            continue
        rng = random.Random(f"{ctx.seed}:{ctx.size.name}:persons:{org.code}")
        province = province_of.get(org.unit_id, org.unit_id)
        for i in range(n):
            plan = plan_person(rng, org, communes.get(province, []))
            if i < kept[org.pk]:
                continue
            consent = plan.pop("consent")
            person = Person(organization_id=org.pk, **plan)
            if consent is not None:
                person.consent_state = (
                    ConsentState.WITHDRAWN if consent["withdrawn_on"] else ConsentState.GIVEN
                )
            # save() is skipped: fill sort key, duplicate keys and search text here.
            person.fill_derived()
            pending.append((person, consent))
        if len(pending) >= CHUNK:
            _write(ctx, pending)
            pending = []
    _write(ctx, pending)


def _write(ctx: ScaleContext, pending: list[tuple[Person, dict | None]]) -> None:
    if not pending:
        return
    Person.objects.bulk_create([p for p, _c in pending], batch_size=BATCH)
    consents = [Consent(person_id=person.pk, **consent) for person, consent in pending if consent]
    Consent.objects.bulk_create(consents, batch_size=BATCH)
    ctx.created["persons"] += len(pending)
    ctx.created["consents"] += len(consents)
    ctx.log(f"persons: {ctx.created['persons']} written so far")
