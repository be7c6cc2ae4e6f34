"""Demo data of the network: profiles for the demo associations and chapters, members with
their histories (including the 2025 merger of Tiền Giang's association into Đồng Tháp's),
a congress and its leadership. Idempotent; names from Faker vi_VN."""

import datetime
import random

from django.contrib.auth import get_user_model
from faker import Faker

from huunghi.core.audit import acting_as
from huunghi.core.demo import register
from huunghi.orgs.choices import OrgKind
from huunghi.orgs.models import Organization
from huunghi.people.choices import ConsentMethod, ConsentPurpose, Gender
from huunghi.people.models import Consent, Person
from huunghi.places.models import Country

from . import services
from .choices import AssociationStatus, Committee, MemberStatus, PositionTitle
from .models import Association, Chapter, Congress, Membership, Position

COUNTRIES = {"campuchia": "KH", "lao": "LA", "nhat_ban": "JP", "phap": "FR", "han_quoc": "KR"}
D = datetime.date


def _person(fake, rng, org):
    gender = rng.choice([Gender.FEMALE, Gender.MALE])
    given = fake.first_name_female() if gender == Gender.FEMALE else fake.first_name_male()
    middles = ["Thị", "Ngọc", "Thu", "Thanh"] if gender == Gender.FEMALE else ["Văn", "Đức", "Hữu"]
    middle = rng.choice(middles)
    person = Person(
        organization=org,
        family_name=fake.last_name(),
        middle_name=middle,
        given_name=given,
        gender=gender,
        date_of_birth=D(rng.randint(1945, 2000), rng.randint(1, 12), rng.randint(1, 28)),
        phone=f"09{rng.randint(10_000_000, 99_999_999)}",
        occupation=rng.choice(["Giáo viên", "Bác sĩ", "Kỹ sư", "Doanh nhân", "Cán bộ hưu trí"]),
        ethnicity="Kinh",
        commune=org.unit,
    )
    person.save()
    person.nationalities.set(Country.objects.filter(code="VN"))
    return person


def _members(fake, rng, org, count, since, actor):
    if Membership.objects.filter(organization=org).exists():
        return []
    made = []
    for n in range(count):
        joined = since + datetime.timedelta(days=rng.randint(0, (D(2026, 10, 1) - since).days))
        person = _person(fake, rng, org)
        member = services.membership_create(
            actor=actor, organization=org, person=person, joined_on=joined,
            card_number=f"{org.pk:03d}-{n + 1:04d}",
        )  # fmt: skip
        if rng.random() < 0.85:
            Consent.objects.create(
                person=person,
                purposes=[ConsentPurpose.MEMBERSHIP, ConsentPurpose.COMMUNICATION],
                given_on=joined,
                method=ConsentMethod.WRITTEN,
            )
        if rng.random() < 0.1 and joined < D(2024, 1, 1):
            services.membership_change_status(
                actor=actor, membership=member, status=MemberStatus.LEFT,
                on=joined + datetime.timedelta(days=rng.randint(400, 900)),
            )  # fmt: skip
        made.append(member)
    return made


@register(order=20)
def load_network_demo():
    fake = Faker("vi_VN")
    fake.seed_instance(3)
    rng = random.Random(3)
    admin = get_user_model().objects.get(username="quantri.trunguong")
    demo_prefixes = ("dong_thap_hh_", "an_giang_hh_", "tien_giang_hh_")
    orgs = Organization.objects.filter(
        kind__in=[OrgKind.ASSOCIATION, OrgKind.CHAPTER], deleted_at__isnull=True
    ).order_by("path")
    with acting_as(admin):
        for org in orgs:
            if not org.code.startswith(demo_prefixes):
                continue
            if org.kind == OrgKind.ASSOCIATION:
                association, created = Association.objects.get_or_create(
                    organization=org,
                    defaults={
                        "founding_decision_number": f"{rng.randint(10, 999)}/QĐ-UBND",
                        "founding_decision_date": org.valid_from,
                        "founding_decision_issuer": "Ủy ban nhân dân tỉnh",
                        "status": AssociationStatus.MERGED
                        if org.valid_to
                        else AssociationStatus.ACTIVE,
                    },
                )
                if created:
                    slug = org.code.split("_hh_")[-1]
                    association.partner_countries.set(
                        Country.objects.filter(code=COUNTRIES.get(slug, "LA"))
                    )
                _members(fake, rng, org, 12, org.valid_from or D(2005, 1, 1), admin)
            else:
                Chapter.objects.get_or_create(organization=org)
                _members(fake, rng, org, 8, org.valid_from or D(2010, 1, 1), admin)
        _merge_tien_giang(admin)
        _leadership(fake, rng)


def _merge_tien_giang(admin):
    """Tiền Giang's Việt Nam – Campuchia association merged into Đồng Tháp's on 01/07/2025:
    its members move over, so both dates' figures stay right."""
    old = Association.objects.filter(organization__code="tien_giang_hh_campuchia").first()
    new = Association.objects.filter(organization__code="dong_thap_hh_campuchia").first()
    if old is None or new is None:
        return
    if Membership.objects.filter(
        organization=new.organization, transferred_from__isnull=False
    ).exists():
        return
    org = old.organization
    valid_to = org.valid_to
    org.valid_to = None  # the merge service closes it again
    org.save()
    services.association_merge(
        actor=admin, predecessors=[old], successor=new, on=valid_to + datetime.timedelta(days=1),
        decision="Hướng dẫn 05/HD-MTTW-BTT",
    )  # fmt: skip


def _leadership(fake, rng):
    org = Organization.objects.filter(code="dong_thap_hh_campuchia").first()
    if org is None or Congress.objects.filter(organization=org).exists():
        return
    fourth = Congress.objects.create(
        organization=org, number=4, term_start=2016, term_end=2021, held_on=D(2016, 10, 20),
        delegates=95,
    )  # fmt: skip
    fifth = Congress.objects.create(
        organization=org, number=5, term_start=2021, term_end=2026, held_on=D(2021, 11, 12),
        delegates=110,
    )  # fmt: skip
    for congress, end in ((fourth, D(2021, 11, 11)), (fifth, None)):
        for title in (
            PositionTitle.CHAIR,
            PositionTitle.VICE_CHAIR,
            PositionTitle.SECRETARY_GENERAL,
        ):
            Position.objects.create(
                organization=org,
                person=_person(fake, rng, org),
                committee=Committee.STANDING,
                title=title,
                congress=congress,
                started_on=congress.held_on,
                ended_on=end,
            )
