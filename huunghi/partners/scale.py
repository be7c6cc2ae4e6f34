"""Synthetic partner registry for ``generate_scale`` (see ``huunghi.orgs.scale``): foreign
NGOs with their registration certificates, foreign localities, diplomatic missions,
international organisations, enterprises, individual donors and overseas-Vietnamese
organisations.

Every generated partner has an e-mail ``scale_p<n>@scale.huunghi.invalid``: it tells the
synthetic rows from real ones and lets a second run find what exists. Most NGOs, the
missions and the international organisations are kept by the national union, the others
by a provincial union (weighted like the associations: Hà Nội and Hồ Chí Minh City most).

Each NGO holds one current certificate under Decree 58/2022 (operation registration for
three years or representative office for five, issued from 1/11/2022 on, so that some
expire in every coming month and a few already have), and about a third also an expired
permit of Decree 12/2012. IATI identifiers are invented (``<country>-CHC-9…``) so that they
never collide with a real organisation's.
"""

import datetime
import random
from collections import defaultdict

from django.db.models import Count

from huunghi.core.text import normalise
from huunghi.orgs.choices import OrgKind
from huunghi.orgs.models import Organization
from huunghi.orgs.scale import (
    END,
    LARGE_UNIONS,
    PREFIX,
    ScaleContext,
    current_unions,
    random_date,
    register,
    summary,
)
from huunghi.places.models import AdministrativeUnit, CodeSystem, Country, UnitLevel

from .choices import CertificateKind, PartnerKind
from .models import Certificate, Partner, partner_name_key

#: partners per size; ``ScaleSize.extra["partners"]`` overrides it
PARTNERS = {"small": 80, "national": 2000}
BATCH = 1000
EMAIL_DOMAIN = "scale.huunghi.invalid"
#: Decree 58/2022 took effect on 1 November 2022
DECREE_58 = datetime.date(2022, 11, 1)

KIND_SHARES = {
    PartnerKind.NGO: 0.68,
    PartnerKind.ENTERPRISE: 0.11,
    PartnerKind.LOCALITY: 0.06,
    PartnerKind.MISSION: 0.05,
    PartnerKind.OVERSEAS: 0.05,
    PartnerKind.INTERNATIONAL: 0.03,
    PartnerKind.INDIVIDUAL: 0.02,
}

#: where foreign NGOs active in Vietnam come from (weights)
NGO_COUNTRIES = {
    "US": 22.0, "JP": 10.0, "KR": 9.0, "GB": 7.0, "DE": 7.0, "FR": 7.0, "AU": 6.0,
    "NL": 3.5, "CA": 3.5, "CH": 3.0, "SE": 2.0, "NO": 2.0, "DK": 2.0, "BE": 2.0, "IT": 2.0,
    "ES": 1.0, "NZ": 1.0, "SG": 1.5, "IE": 1.0, "AT": 1.0, "FI": 1.0, "TW": 1.5, "LU": 0.5,
}  # fmt: skip
#: countries of partner localities and missions (neighbours and frequent partners weigh more)
NEAR_COUNTRIES = {
    "LA": 8.0, "KH": 8.0, "CN": 6.0, "JP": 6.0, "KR": 6.0, "RU": 4.0, "CU": 3.0, "FR": 3.0,
    "DE": 2.0, "US": 3.0, "TH": 3.0, "AU": 2.0, "IN": 2.0, "GB": 2.0, "IT": 1.5, "PL": 1.0,
    "HU": 1.0, "CZ": 1.0, "BY": 1.0, "MN": 1.0, "ID": 1.0, "MY": 1.0, "SG": 1.0, "PH": 1.0,
}  # fmt: skip
CAPITALS = {
    "US": "Washington, D.C.", "JP": "Tokyo", "KR": "Seoul", "GB": "London", "DE": "Berlin",
    "FR": "Paris", "AU": "Canberra", "NL": "Amsterdam", "CA": "Ottawa", "CH": "Geneva",
    "SE": "Stockholm", "NO": "Oslo", "DK": "Copenhagen", "BE": "Brussels", "IT": "Rome",
    "ES": "Madrid", "NZ": "Wellington", "SG": "Singapore", "IE": "Dublin", "AT": "Vienna",
    "FI": "Helsinki", "TW": "Taipei", "LU": "Luxembourg", "LA": "Vientiane",
    "KH": "Phnom Penh", "CN": "Beijing", "RU": "Moscow", "CU": "Havana", "TH": "Bangkok",
}  # fmt: skip
#: foreign localities twinned with Vietnamese provinces (country, name)
LOCALITIES = [
    ("LA", "Vientiane Capital"), ("LA", "Luang Prabang Province"), ("LA", "Savannakhet Province"),
    ("LA", "Champasak Province"), ("LA", "Houaphanh Province"), ("LA", "Xiangkhouang Province"),
    ("LA", "Attapeu Province"), ("LA", "Bolikhamxay Province"), ("LA", "Khammouane Province"),
    ("KH", "Phnom Penh Capital"), ("KH", "Siem Reap Province"), ("KH", "Kampot Province"),
    ("KH", "Svay Rieng Province"), ("KH", "Takeo Province"), ("KH", "Ratanakiri Province"),
    ("CN", "Guangxi Zhuang Autonomous Region"), ("CN", "Yunnan Province"),
    ("CN", "Guangdong Province"), ("CN", "Hainan Province"), ("JP", "Fukuoka Prefecture"),
    ("JP", "Kanagawa Prefecture"), ("JP", "Hiroshima Prefecture"), ("JP", "Osaka Prefecture"),
    ("JP", "Gunma Prefecture"), ("JP", "Yamanashi Prefecture"), ("KR", "Gyeonggi Province"),
    ("KR", "Busan Metropolitan City"), ("KR", "Gyeongsangbuk-do Province"),
    ("KR", "Incheon Metropolitan City"), ("RU", "Saint Petersburg"), ("RU", "Primorsky Krai"),
    ("RU", "Ulyanovsk Oblast"), ("CU", "Havana Province"), ("CU", "Santiago de Cuba"),
    ("FR", "Région Île-de-France"), ("FR", "Val-de-Marne"), ("FR", "Région Nouvelle-Aquitaine"),
    ("DE", "Free State of Saxony"), ("DE", "State of Brandenburg"), ("US", "State of Washington"),
    ("US", "City of San Francisco"), ("TH", "Nakhon Phanom Province"), ("TH", "Udon Thani Province"),
    ("AU", "State of Queensland"), ("BY", "Minsk Region"), ("PL", "Pomeranian Voivodeship"),
    ("HU", "Budapest"), ("CZ", "South Moravian Region"), ("IT", "Tuscany Region"),
    ("IN", "State of Kerala"), ("MN", "Ulaanbaatar"), ("ID", "Jakarta Special Region"),
]  # fmt: skip
INTERNATIONALS = [
    ("United Nations Children's Fund", "UNICEF"),
    ("United Nations Development Programme", "UNDP"),
    ("World Health Organization", "WHO"),
    ("United Nations Population Fund", "UNFPA"),
    ("UN Women", "UN Women"),
    ("Food and Agriculture Organization of the United Nations", "FAO"),
    ("International Organization for Migration", "IOM"),
    ("International Labour Organization", "ILO"),
    ("World Food Programme", "WFP"),
    ("United Nations Educational, Scientific and Cultural Organization", "UNESCO"),
    ("Asian Development Bank", "ADB"),
    ("World Bank", "WB"),
    ("Delegation of the European Union to Vietnam", "EU"),
    ("International Federation of Red Cross and Red Crescent Societies", "IFRC"),
    ("Japan International Cooperation Agency", "JICA"),
    ("Korea International Cooperation Agency", "KOICA"),
    ("Mekong River Commission", "MRC"),
    ("Global Fund to Fight AIDS, Tuberculosis and Malaria", "GFATM"),
    ("Gavi, the Vaccine Alliance", "Gavi"),
    ("International Fund for Agricultural Development", "IFAD"),
]
NGO_PREFIXES = [
    "Hope", "Bright Future", "Helping Hands", "Green Earth", "Clear Water", "Blue Dragon",
    "Mekong", "Lotus", "Sunflower", "Bamboo", "Harmony", "Open Hearts", "Bridge", "Kindness",
    "Little Steps", "New Horizons", "Red River", "Rainbow", "Peace Village", "Heart to Heart",
    "One World", "Seeds of Hope", "Roots", "Smile", "Silver Lining", "Morning Star",
    "Golden Bell", "Safe Harbour", "Good Neighbours", "Open Door", "Hand in Hand",
    "Friendship Bridge", "East Meets West", "River of Life", "Humanity First", "Evergreen",
]  # fmt: skip
NGO_FOCUS = [
    "", " for Children", " Health", " Education", " Development", " Water", " Relief",
    " for Vietnam", " Care", " Learning",
]  # fmt: skip
NGO_SUFFIXES = [
    "Foundation", "International", "Fund", "Association", "Trust", "Alliance", "Network",
    "Society", "Initiative", "Mission", "Partnership", "Institute",
]  # fmt: skip
ENTERPRISE_ROOTS = [
    "Sakura", "Hanbit", "Nordic", "Pacific", "Alpine", "Atlantic", "Orchid", "Jade", "Summit",
    "Harbor", "Meridian", "Horizon", "Aurora", "Zenith", "Crescent", "Keystone", "Phoenix",
    "Sterling", "Vertex", "Cedar",
]  # fmt: skip
ENTERPRISE_TRADES = [
    "Electronics", "Textiles", "Logistics", "Pharma", "Motors", "Foods", "Steel", "Energy",
    "Chemicals", "Engineering", "Trading", "Shipping",
]  # fmt: skip
ENTERPRISE_FORMS = ["Co., Ltd.", "Corporation", "Inc.", "GmbH", "S.A.", "Holdings"]
SURNAMES = ["Smith", "Tanaka", "Kim", "Müller", "Martin", "Johnson", "Lee", "Sato", "Brown"]
STREETS = ["Kim Mã", "Láng Hạ", "Tràng Thi", "Nguyễn Du", "Trần Hưng Đạo", "Lý Thường Kiệt"]

#: certificate numbers: (kind, number format)
CERTIFICATE_FORMATS = {
    CertificateKind.OPERATION: "%(n)03d/BNG-GĐK",
    CertificateKind.REPRESENTATIVE_OFFICE: "%(n)03d/BNG-VPĐD",
    CertificateKind.OPERATION_2012: "%(n)03d/GPHĐ-COMINGO",
    CertificateKind.PROJECT_OFFICE_2012: "%(n)03d/GPVPDA-COMINGO",
    CertificateKind.REPRESENTATIVE_OFFICE_2012: "%(n)03d/GPVPĐD-COMINGO",
}
ISSUER_2012 = "Ủy ban công tác về các tổ chức phi chính phủ nước ngoài"
#: a representative office sits in one of these (Decree 58/2022)
OFFICE_CITIES = ["ha_noi", "da_nang", "ho_chi_minh"]


def scale_email(n: int) -> str:
    """The marker of the ``n``-th generated partner (its place in the plan)."""
    return f"{PREFIX}p{n:05d}@{EMAIL_DOMAIN}"


def scale_partners() -> list[Partner]:
    """The generated partners in plan order (``scale_p00001`` first)."""
    return list(
        Partner.all_objects.filter(email__endswith=f"@{EMAIL_DOMAIN}", email__startswith=PREFIX)
        .select_related("country")
        .order_by("email")
    )


def _kinds(total: int, rng: random.Random) -> list[str]:
    """``total`` kinds in the shares of ``KIND_SHARES`` (largest remainders), shuffled."""
    exact = {kind: total * share for kind, share in KIND_SHARES.items()}
    counts = {kind: int(value) for kind, value in exact.items()}
    for kind in sorted(exact, key=lambda k: counts[k] - exact[k])[: total - sum(counts.values())]:
        counts[kind] += 1
    kinds = [kind for kind, n in counts.items() for _ in range(n)]
    rng.shuffle(kinds)
    return kinds


def _pick(rng: random.Random, weights: dict[str, float], available: dict[str, Country]):
    codes = [c for c in weights if c in available]
    return available[rng.choices(codes, [weights[c] for c in codes])[0]]


def _unique(name: str, taken: set[str], qualifier: str) -> str:
    """``name``, or with ``qualifier`` (a country) and then a number when it is taken."""
    candidate = name
    n = 1
    while partner_name_key(candidate) in taken:
        candidate = f"{name} {qualifier}" if n == 1 else f"{name} {qualifier} {n}"
        n += 1
    taken.add(partner_name_key(candidate))
    return candidate


def _acronym(name: str) -> str:
    words = [w for w in name.replace("-", " ").split() if w[0].isupper() and w not in {"For"}]
    return "".join(w[0] for w in words)[:8] if len(words) >= 2 else ""


def plan_partner(
    rng: random.Random,
    n: int,
    kind: str,
    countries: dict[str, Country],
    taken: set[str],
    used: dict[str, list],
) -> dict:
    """The fields of the ``n``-th partner (its certificates and links apart)."""
    plan: dict = {"kind": kind, "email": scale_email(n), "countries": [], "sectors": 0}
    if kind == PartnerKind.NGO:
        country = _pick(rng, NGO_COUNTRIES, countries)
        base = f"{rng.choice(NGO_PREFIXES)}{rng.choice(NGO_FOCUS)} {rng.choice(NGO_SUFFIXES)}"
        name = _unique(base, taken, country.name_en)
        plan |= {
            "name": name,
            "acronym": _acronym(name) if rng.random() < 0.5 else "",
            "country": country,
            "headquarters": f"{CAPITALS.get(country.code, country.name_en)}, {country.name_en}",
            "sectors": rng.choice([1, 2, 2, 3, 4]),
        }
        if rng.random() < 0.3:
            plan["iati_identifier"] = f"{country.code}-CHC-9{n:05d}"
        if rng.random() < 0.1:
            others = [c for c in NGO_COUNTRIES if c in countries and c != country.code]
            plan["countries"] = rng.sample(others, rng.randint(1, 2))
    elif kind == PartnerKind.LOCALITY:
        code, locality = LOCALITIES[len(used["locality"]) % len(LOCALITIES)]
        used["locality"].append(locality)
        country = countries.get(code) or _pick(rng, NEAR_COUNTRIES, countries)
        plan |= {
            "name": _unique(locality, taken, country.name_en),
            "country": country,
            "headquarters": f"{locality}, {country.name_en}",
        }
    elif kind == PartnerKind.MISSION:
        country = _pick(rng, NEAR_COUNTRIES, countries)
        consulate = rng.random() < 0.35
        name_en = (
            f"Consulate General of {country.name_en} in Ho Chi Minh City"
            if consulate
            else f"Embassy of {country.name_en} in Vietnam"
        )
        name_vi = (
            f"Tổng Lãnh sự quán {country.name_vi} tại Thành phố Hồ Chí Minh"
            if consulate
            else f"Đại sứ quán {country.name_vi} tại Việt Nam"
        )
        plan |= {
            "name": _unique(name_en, taken, ""),
            "name_vi": name_vi,
            "country": country,
            "address_in_vietnam": "Thành phố Hồ Chí Minh" if consulate else "Hà Nội",
        }
    elif kind == PartnerKind.INTERNATIONAL:
        name, acronym = INTERNATIONALS[len(used["international"]) % len(INTERNATIONALS)]
        used["international"].append(name)
        plan |= {
            "name": _unique(name, taken, "Vietnam"),
            "acronym": acronym,
            "country": None,
            "iati_identifier": f"XM-DAC-9{n:05d}",
            "address_in_vietnam": "Hà Nội",
            "sectors": rng.randint(2, 5),
        }
    elif kind == PartnerKind.ENTERPRISE:
        country = _pick(rng, {**NGO_COUNTRIES, **NEAR_COUNTRIES}, countries)
        base = (
            f"{rng.choice(ENTERPRISE_ROOTS)} {rng.choice(ENTERPRISE_TRADES)} "
            f"{rng.choice(ENTERPRISE_FORMS)}"
        )
        plan |= {
            "name": _unique(base, taken, country.name_en),
            "country": country,
            "headquarters": f"{CAPITALS.get(country.code, country.name_en)}, {country.name_en}",
        }
    elif kind == PartnerKind.OVERSEAS:
        country = _pick(rng, {"US": 8, "FR": 4, "JP": 4, "AU": 3, "DE": 3, "CA": 3}, countries)
        organisation = rng.choice(["Hội người Việt Nam", "Hội doanh nhân Việt Nam", "Hội kiều bào"])
        name_vi = f"{organisation} tại {country.name_vi}"
        plan |= {
            "name": _unique(name_vi, taken, str(n)),
            "name_vi": name_vi,
            "country": country,
            "headquarters": country.name_en,
        }
    else:  # an individual donor: the name comes from the person, chosen when written
        country = _pick(rng, NGO_COUNTRIES, countries)
        plan |= {"name": "", "country": country, "person_draw": rng.random()}
    if kind in (PartnerKind.NGO, PartnerKind.ENTERPRISE, PartnerKind.INTERNATIONAL):
        slug = normalise(plan["name"]).replace(" ", "")[:30]
        plan["website"] = f"https://www.{slug}.example.org"
    if kind == PartnerKind.NGO and rng.random() < 0.4:
        plan["address_in_vietnam"] = (
            f"Số {rng.randint(1, 200)} {rng.choice(STREETS)}, {rng.choice(['Hà Nội', 'Huế', 'Đà Nẵng', 'Thành phố Hồ Chí Minh'])}"
        )
    plan["keeper_draw"] = rng.random()
    plan["union_draw"] = rng.random()
    return plan


def plan_certificates(rng: random.Random, n: int) -> list[dict]:
    """The certificates of the ``n``-th partner, an NGO: a current one, and for about a
    third an expired permit of Decree 12/2012 before it."""
    certificates = []
    if rng.random() < 0.35:
        issued = random_date(rng, datetime.date(2013, 1, 1), datetime.date(2017, 12, 31))
        kind = rng.choice(
            [
                CertificateKind.OPERATION_2012,
                CertificateKind.PROJECT_OFFICE_2012,
                CertificateKind.REPRESENTATIVE_OFFICE_2012,
            ]
        )
        certificates.append(
            {
                "kind": kind,
                "number": CERTIFICATE_FORMATS[kind] % {"n": rng.randint(1, 999)},
                "issuer": ISSUER_2012,
                "issued_on": issued,
                "expires_on": _add_years(issued, 5) - datetime.timedelta(days=1),
                "provinces": rng.randint(1, 4),
                "old_provinces": True,
            }
        )
    office = rng.random() < 0.35
    kind = CertificateKind.REPRESENTATIVE_OFFICE if office else CertificateKind.OPERATION
    issued = random_date(rng, DECREE_58, END)
    years = 5 if office else 3
    expires = _add_years(issued, years) - datetime.timedelta(days=1)
    if rng.random() < 0.05:
        # not renewed: issued under the first months of the decree, already expired
        issued = random_date(rng, DECREE_58, datetime.date(2023, 6, 30))
        expires = _add_years(issued, 3) - datetime.timedelta(days=1)
    certificates.append(
        {
            "kind": kind,
            "number": CERTIFICATE_FORMATS[kind] % {"n": rng.randint(1, 999)},
            "issuer": "Bộ Ngoại giao",
            "issued_on": issued,
            "expires_on": expires,
            "provinces": 1 if office else rng.randint(1, 6),
            "old_provinces": False,
            "office": office,
        }
    )
    return certificates


def _add_years(day: datetime.date, years: int) -> datetime.date:
    return day.replace(year=day.year + years, day=min(day.day, 28) if day.month == 2 else day.day)


def partner_keepers() -> tuple[Organization, list[Organization], list[float]]:
    """The national union and today's provincial unions with their weights."""
    from huunghi.orgs.choices import NATIONAL_CODE

    national = Organization.objects.get(code=NATIONAL_CODE)
    unions = current_unions()
    weights = [LARGE_UNIONS.get(u.code, 1.0) for u in unions]
    return national, unions, weights


@register(order=70)
def partners(ctx: ScaleContext) -> None:
    """The partner registry: about 2,000 partners (national size) of every kind, the NGOs
    with their registration certificates."""
    rng = ctx.rng("partners")
    total = ctx.size.extra.get("partners", PARTNERS[ctx.size.name])
    existing = set(
        Partner.all_objects.filter(email__endswith=f"@{EMAIL_DOMAIN}").values_list(
            "email", flat=True
        )
    )
    if all(scale_email(n) in existing for n in range(1, total + 1)):
        return  # every planned partner is there: nothing to draw
    countries = {c.code: c for c in Country.objects.all()}
    sectors = list(_sector_ids())
    national, unions, union_weights = partner_keepers()
    provinces = dict(
        AdministrativeUnit.objects.filter(
            code_system=CodeSystem.GSO_2025, level=UnitLevel.PROVINCE
        ).values_list("codename", "id")
    )
    province_ids = [provinces[c] for c in sorted(provinces)]
    old_province_ids = list(
        AdministrativeUnit.objects.filter(
            code_system=CodeSystem.GSO_PRE_2025, level=UnitLevel.PROVINCE
        )
        .order_by("code")
        .values_list("id", flat=True)
    )
    # Generated names stay clear of the real partners' (the plan reproduces its own).
    taken = set(
        Partner.all_objects.exclude(email__endswith=f"@{EMAIL_DOMAIN}").values_list(
            "name_key", flat=True
        )
    )
    used: dict[str, list] = defaultdict(list)

    planned = []
    for n, kind in enumerate(_kinds(total, rng), start=1):
        plan = plan_partner(rng, n, kind, countries, taken, used)
        plan["certificates"] = plan_certificates(rng, n) if kind == PartnerKind.NGO else []
        plan["sector_ids"] = rng.sample(sectors, min(plan["sectors"], len(sectors)))
        plan["province_draws"] = [rng.random() for _ in range(8)]
        if plan["email"] not in existing:
            planned.append(plan)

    persons = _individual_persons(unions) if planned else {}
    rows = []
    for plan in planned:
        keeper = national
        if plan["kind"] in (
            PartnerKind.LOCALITY,
            PartnerKind.ENTERPRISE,
            PartnerKind.INDIVIDUAL,
        ) or (
            plan["kind"] in (PartnerKind.NGO, PartnerKind.OVERSEAS) and plan["keeper_draw"] < 0.3
        ):
            keeper = _weighted(unions, union_weights, plan["union_draw"])
        person_id = None
        if plan["kind"] == PartnerKind.INDIVIDUAL:
            candidates = persons.get(keeper.pk) or []
            if not candidates:
                continue  # no person to be the donor (a size without members)
            person_id, plan["name"] = candidates[int(plan["person_draw"] * len(candidates))]
        partner = Partner(
            organization=keeper,
            kind=plan["kind"],
            name=plan["name"],
            name_vi=plan.get("name_vi", ""),
            acronym=plan.get("acronym", ""),
            country=plan["country"],
            headquarters=plan.get("headquarters", ""),
            address_in_vietnam=plan.get("address_in_vietnam", ""),
            iati_identifier=plan.get("iati_identifier", ""),
            website=plan.get("website", ""),
            email=plan["email"],
            person_id=person_id,
        )
        # save() is skipped: fill the name key and search text here.
        partner.name_key = partner_name_key(partner.name)
        partner.search_text = partner.build_search_text()
        rows.append((partner, plan))
    Partner.objects.bulk_create([p for p, _plan in rows], batch_size=BATCH)

    Countries = Partner.countries.through
    Sectors = Partner.sectors.through
    country_links, sector_links, certificates, cert_plans = [], [], [], []
    for partner, plan in rows:
        country_links += [
            Countries(partner_id=partner.pk, country_id=countries[c].pk) for c in plan["countries"]
        ]
        sector_links += [Sectors(partner_id=partner.pk, sector_id=s) for s in plan["sector_ids"]]
        for cert in plan["certificates"]:
            certificate = Certificate(
                partner_id=partner.pk,
                kind=cert["kind"],
                number=cert["number"],
                issuer=cert["issuer"],
                issued_on=cert["issued_on"],
                expires_on=cert["expires_on"],
            )
            certificate.search_text = certificate.build_search_text()
            certificates.append(certificate)
            cert_plans.append((cert, plan["province_draws"]))
    Countries.objects.bulk_create(country_links, batch_size=BATCH)
    Sectors.objects.bulk_create(sector_links, batch_size=BATCH)
    Certificate.objects.bulk_create(certificates, batch_size=BATCH)

    Provinces = Certificate.provinces.through
    province_links = []
    for certificate, (cert, draws) in zip(certificates, cert_plans, strict=True):
        if cert.get("office"):
            chosen = [provinces[OFFICE_CITIES[int(draws[0] * len(OFFICE_CITIES))]]]
        else:
            pool = old_province_ids if cert["old_provinces"] else province_ids
            chosen = sorted({pool[int(d * len(pool))] for d in draws[: cert["provinces"]]})
        province_links += [
            Provinces(certificate_id=certificate.pk, administrativeunit_id=unit_id)
            for unit_id in chosen
        ]
    Provinces.objects.bulk_create(province_links, batch_size=BATCH)

    ctx.created["partners"] += len(rows)
    ctx.created["certificates"] += len(certificates)


def _sector_ids():
    from huunghi.aid.models import Sector

    return Sector.objects.order_by("code").values_list("id", flat=True)


def _weighted(items: list, weights: list[float], draw: float):
    """The item a uniform ``draw`` in [0, 1) falls on, heavier items wider."""
    point = draw * sum(weights)
    for item, weight in zip(items, weights, strict=True):
        point -= weight
        if point < 0:
            return item
    return items[-1]


def _individual_persons(unions: list[Organization]) -> dict[int, list[tuple[int, str]]]:
    """For each union, a few persons of its subtree (the first by id) who may be donors."""
    from huunghi.people.models import Person

    found: dict[int, list[tuple[int, str]]] = {}
    for union in unions:
        rows = (
            Person.all_objects.filter(
                organization__path__startswith=union.path,
                organization__kind__in=[OrgKind.ASSOCIATION, OrgKind.CHAPTER],
            )
            .order_by("id")
            .values_list("id", "family_name", "middle_name", "given_name")[:20]
        )
        found[union.pk] = [(pk, " ".join(p for p in names if p)) for pk, *names in rows]
    return found


@summary
def partner_summary() -> dict[str, dict[str, int]]:
    """Generated partners by kind, and their certificates."""
    generated = Partner.objects.filter(email__endswith=f"@{EMAIL_DOMAIN}")
    kinds = dict(generated.order_by().values_list("kind").annotate(n=Count("id")))
    certificates = Certificate.objects.filter(partner__in=generated).count()
    return {
        "partners": {**kinds, "total": sum(kinds.values())},
        "certificates": {"total": certificates},
    }
