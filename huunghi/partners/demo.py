"""Demo partners: foreign NGOs with their registration certificates (one expiring soon), a
Cambodian province, a consulate, an enterprise and an overseas-Vietnamese association, with
an interaction logged by Đồng Tháp's union. Idempotent."""

import datetime

from django.contrib.auth import get_user_model
from django.utils import timezone

from huunghi.core.audit import acting_as
from huunghi.core.demo import register
from huunghi.orgs.models import Organization
from huunghi.places.models import AdministrativeUnit, CodeSystem, Country, UnitLevel

from .choices import CertificateKind, InteractionKind, PartnerKind
from .models import Certificate, Interaction, Partner

#: (name, Vietnamese name, acronym, kind, country, IATI id, sectors)
PARTNERS = [
    ("Good Neighbors International", "", "GNI", PartnerKind.NGO, "KR", "", ["children"]),
    ("Plan International", "", "PLAN", PartnerKind.NGO, "GB", "GB-COH-01364201", ["children"]),
    ("Heifer International", "", "HEIFER", PartnerKind.NGO, "US", "", ["agriculture"]),
    ("Kinderhilfe Vietnam e.V.", "", "KHV", PartnerKind.NGO, "DE", "", ["education"]),
    (
        "Provincial Administration of Takeo",
        "Tỉnh Takeo, Vương quốc Campuchia",
        "",
        PartnerKind.LOCALITY,
        "KH",
        "",
        [],
    ),
    (
        "Consulate General of Japan in Ho Chi Minh City",
        "Tổng Lãnh sự quán Nhật Bản tại Thành phố Hồ Chí Minh",
        "",
        PartnerKind.MISSION,
        "JP",
        "",
        [],
    ),
    ("Mekong Seafood Co., Ltd.", "", "", PartnerKind.ENTERPRISE, "JP", "", ["livelihoods"]),
    (
        "Vietnamese Association in Phnom Penh",
        "Hội người Việt Nam tại Phnôm Pênh",
        "",
        PartnerKind.OVERSEAS,
        "KH",
        "",
        [],
    ),
]


@register(order=25)
def load_partners():
    """Partners of the demo, kept by the national union (the registry is shared)."""
    vufo = Organization.objects.get(code="vufo")
    actor = get_user_model().objects.get(username="quantri.trunguong")
    today = timezone.localdate()
    dong_thap_unit = AdministrativeUnit.objects.get(
        code_system=CodeSystem.GSO_2025, level=UnitLevel.PROVINCE, codename="dong_thap"
    )
    from huunghi.aid.models import Sector

    made = 0  # certificates are numbered in the order partners are made
    with acting_as(actor):
        for name, name_vi, acronym, kind, country, iati, sectors in PARTNERS:
            partner, created = Partner.objects.get_or_create(
                name=name,
                defaults={
                    "organization": vufo,
                    "kind": kind,
                    "name_vi": name_vi,
                    "acronym": acronym,
                    "country": Country.objects.get(code=country),
                    "iati_identifier": iati,
                },
            )
            if not created:
                continue
            made += 1
            partner.sectors.set(Sector.objects.filter(code__in=sectors))
            if kind == PartnerKind.NGO:
                soon = acronym == "KHV"
                certificate = Certificate.objects.create(
                    partner=partner,
                    kind=CertificateKind.OPERATION,
                    number=f"{100 + made}/BNG-GĐK",
                    issued_on=datetime.date(2024, 5, 2),
                    expires_on=today + datetime.timedelta(days=45)
                    if soon
                    else datetime.date(2027, 5, 1),
                )
                certificate.provinces.add(dong_thap_unit)
        gni = Partner.objects.get(name="Good Neighbors International")
        dong_thap = Organization.objects.get(code="dong_thap")
        editor = get_user_model().objects.get(username="bientap.dongthap")
        if not Interaction.objects.filter(partner=gni, organization=dong_thap).exists():
            Interaction.objects.create(
                organization=dong_thap,
                partner=gni,
                kind=InteractionKind.MEETING,
                date=datetime.date(2026, 3, 12),
                subject="Làm việc về dự án nước sạch cho các trường tiểu học",
                summary="Thống nhất khảo sát 5 trường tại các xã vùng sâu.",
                owner=editor,
                follow_up="Gửi hồ sơ đề xuất trước 30/04/2026.",
                follow_up_on=datetime.date(2026, 4, 30),
            )
    return []
