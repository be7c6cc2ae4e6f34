"""Demo data: the national structure, a realistic provincial union (Đồng Tháp) with its
associations and chapters, a neighbour (An Giang), and one user per role level."""

import datetime

from django.contrib.auth import get_user_model
from faker import Faker

from huunghi.core.demo import DEMO_PASSWORD, register
from huunghi.places.models import AdministrativeUnit, CodeSystem, UnitLevel

from .choices import OrgKind, RoleKind
from .models import Cluster, ClusterCoordinator, Organization, Role, Succession
from .structure import _upsert, structure_load

ASSOCIATIONS = [
    ("campuchia", "Campuchia", "Cambodia", datetime.date(1998, 5, 12)),
    ("lao", "Lào", "Laos", datetime.date(2001, 9, 2)),
    ("nhat_ban", "Nhật Bản", "Japan", datetime.date(2009, 3, 20)),
    ("phap", "Pháp", "France", datetime.date(2012, 11, 8)),
    ("han_quoc", "Hàn Quốc", "Korea", datetime.date(2016, 6, 15)),
]


def _commune(province_codename, index):
    communes = AdministrativeUnit.objects.filter(
        code_system=CodeSystem.GSO_2025,
        level=UnitLevel.COMMUNE,
        parent__codename=province_codename,
    ).order_by("code")
    return communes[index % max(communes.count(), 1)] if communes.exists() else None


def _associations(union, province_name, province_codename, slug_prefix):
    for n, (slug, country_vi, country_en, founded) in enumerate(ASSOCIATIONS):
        assoc = _upsert(
            union,
            f"{slug_prefix}_hh_{slug}",
            kind=OrgKind.ASSOCIATION,
            name_vi=f"Hội hữu nghị Việt Nam – {country_vi} tỉnh {province_name}",
            name_en=f"{province_name} Vietnam – {country_en} Friendship Association",
            valid_from=founded,
        )
        for i in range(3):
            commune = _commune(province_codename, n * 11 + i * 7)
            _upsert(
                assoc,
                f"{slug_prefix}_hh_{slug}_ch{i + 1}",
                kind=OrgKind.CHAPTER,
                name_vi=f"Chi hội hữu nghị Việt Nam – {country_vi} {commune.name if commune else i + 1}",
                unit=commune,
                valid_from=founded + datetime.timedelta(days=365 * (i + 1)),
            )
    return Organization.objects.get(code=f"{slug_prefix}_hh_campuchia")


def _user(username, first, last, *, superuser=False):
    User = get_user_model()
    user, created = User.objects.get_or_create(
        username=username,
        defaults={"first_name": first, "last_name": last, "email": f"{username}@demo.huunghi.vn"},
    )
    if created:
        user.set_password(DEMO_PASSWORD)
        user.save()
    return user


def _role(user, org, role, personal_data=False):
    Role.objects.get_or_create(
        user=user, organization=org, role=role, defaults={"personal_data": personal_data}
    )


@register(order=10)
def load_orgs_demo():
    structure_load()
    fake = Faker("vi_VN")
    fake.seed_instance(2026)
    vufo = Organization.objects.get(code="vufo")
    dong_thap = Organization.objects.get(code="dong_thap")
    tien_giang = Organization.objects.get(code="tien_giang")
    an_giang = Organization.objects.get(code="an_giang")

    dt_campuchia = _associations(dong_thap, "Đồng Tháp", "dong_thap", "dong_thap")
    _associations(an_giang, "An Giang", "an_giang", "an_giang")
    # Tiền Giang's association closed with the merger and continues in Đồng Tháp's.
    tg_campuchia = _upsert(
        tien_giang,
        "tien_giang_hh_campuchia",
        kind=OrgKind.ASSOCIATION,
        name_vi="Hội hữu nghị Việt Nam – Campuchia tỉnh Tiền Giang",
        name_en="Tien Giang Vietnam – Cambodia Friendship Association",
        valid_from=datetime.date(2003, 4, 1),
        valid_to=datetime.date(2025, 6, 30),
    )
    Succession.objects.get_or_create(
        predecessor=tg_campuchia,
        successor=dt_campuchia,
        defaults={"date": datetime.date(2025, 7, 1), "decision": "Hướng dẫn 05/HD-MTTW-BTT"},
    )
    _upsert(
        dong_thap,
        "dong_thap_so_ngoai_vu",
        kind=OrgKind.AGENCY,
        name_vi="Sở Ngoại vụ tỉnh Đồng Tháp",
        name_en="Dong Thap Department of Foreign Affairs",
    )

    people = {}
    for key in (
        "national",
        "admin",
        "editor",
        "approver",
        "viewer",
        "secretary",
        "cluster",
        "other",
    ):
        people[key] = (fake.first_name(), f"{fake.last_name()} {fake.middle_name()}")
    national = _user("quantri.trunguong", *people["national"])
    _role(national, vufo, RoleKind.ADMIN, personal_data=True)
    admin = _user("quantri.dongthap", *people["admin"])
    _role(admin, dong_thap, RoleKind.ADMIN, personal_data=True)
    editor = _user("bientap.dongthap", *people["editor"])
    _role(editor, dong_thap, RoleKind.EDITOR, personal_data=True)
    approver = _user("pheduyet.dongthap", *people["approver"])
    _role(approver, dong_thap, RoleKind.APPROVER)
    viewer = _user("xem.dongthap", *people["viewer"])
    _role(viewer, dong_thap, RoleKind.VIEWER)
    secretary = _user("thuky.vn-campuchia", *people["secretary"])
    _role(secretary, dt_campuchia, RoleKind.EDITOR, personal_data=True)
    other = _user("bientap.angiang", *people["other"])
    _role(other, an_giang, RoleKind.EDITOR)
    coordinator = _user("dieuphoi.cum5", *people["cluster"])
    ClusterCoordinator.objects.get_or_create(
        user=coordinator, cluster=Cluster.objects.get(number=5)
    )
    return [
        ("quantri.trunguong", "Quản trị viên — Liên hiệp Hữu nghị Việt Nam (toàn quốc)"),
        ("quantri.dongthap", "Quản trị viên — Liên hiệp Hữu nghị tỉnh Đồng Tháp"),
        ("bientap.dongthap", "Biên tập viên — Liên hiệp Hữu nghị tỉnh Đồng Tháp"),
        ("pheduyet.dongthap", "Người phê duyệt — Liên hiệp Hữu nghị tỉnh Đồng Tháp"),
        ("xem.dongthap", "Người xem — Liên hiệp Hữu nghị tỉnh Đồng Tháp"),
        ("thuky.vn-campuchia", "Biên tập viên — Hội hữu nghị Việt Nam – Campuchia tỉnh Đồng Tháp"),
        ("bientap.angiang", "Biên tập viên — Liên hiệp Hữu nghị tỉnh An Giang"),
        ("dieuphoi.cum5", "Điều phối Cụm số 5 (chỉ xem số liệu)"),
    ]
