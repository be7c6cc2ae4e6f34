"""Load the national structure (``manage.py load_structure``): the national union, the
provincial unions as of 2024 and after the 2025 merger, and the clusters."""

import datetime

from django.db import transaction

from huunghi.core.text import normalise
from huunghi.places.models import AdministrativeUnit, CodeSystem, UnitLevel, UnitMapping

from . import national
from .choices import OrgKind
from .models import (
    Cluster,
    ClusterLeadership,
    ClusterMembership,
    Organization,
    OrganizationName,
    Succession,
)

CLUSTER_START = datetime.date(2024, 1, 1)


def _union_name(unit_name: str) -> str:
    """ "Tỉnh Tiền Giang" → "Liên hiệp các tổ chức hữu nghị tỉnh Tiền Giang"."""
    for prefix, word in (("Tỉnh ", "tỉnh "), ("Thành phố ", "thành phố ")):
        if unit_name.startswith(prefix):
            return f"Liên hiệp các tổ chức hữu nghị {word}{unit_name[len(prefix) :]}"
    return f"Liên hiệp các tổ chức hữu nghị tỉnh {unit_name}"


def _english_name(unit_name: str) -> str:
    bare = unit_name.removeprefix("Tỉnh ").removeprefix("Thành phố ")
    city = unit_name.startswith("Thành phố ")
    ascii_name = normalise(bare).title()
    return f"{ascii_name}{' City' if city else ''} Union of Friendship Organizations"


def _upsert(parent, code, **fields):
    org = Organization.objects.filter(code=code).first()
    if org is None:
        org = Organization(code=code, **fields)
        if parent is None:
            return Organization.add_root(instance=org)
        return parent.add_child(instance=org)
    changed = {k: v for k, v in fields.items() if getattr(org, k) != v}
    if changed:
        for key, value in changed.items():
            setattr(org, key, value)
        org.save()
    if parent is not None and not org.path.startswith(parent.path):
        org.move(parent, "sorted-child" if Organization.node_order_by else "last-child")
        org.refresh_from_db()
    return org


@transaction.atomic
def structure_load() -> dict[str, int]:
    """Create or update the national structure; idempotent."""
    root = _upsert(
        None,
        national.NATIONAL["code"],
        kind=OrgKind.NATIONAL_UNION,
        name_vi=national.NATIONAL["name_vi"],
        short_name_vi=national.NATIONAL["short_name_vi"],
        name_en=national.NATIONAL["name_en"],
        valid_from=national.NATIONAL["valid_from"],
    )
    old_units = {
        u.codename: u
        for u in AdministrativeUnit.objects.filter(
            code_system=CodeSystem.GSO_PRE_2025, level=UnitLevel.PROVINCE
        )
    }
    new_units = {
        u.codename: u
        for u in AdministrativeUnit.objects.filter(
            code_system=CodeSystem.GSO_2025, level=UnitLevel.PROVINCE
        )
    }
    old_to_new = dict(
        UnitMapping.objects.filter(level=UnitLevel.PROVINCE).values_list(
            "old_unit__codename", "new_unit__codename"
        )
    )
    listed = {code for *_, codes, _c in national.CLUSTERS_2024.values() for code in codes}

    # The 34 unions of today: continuing, or (where no constituent union is listed for
    # 2024, or only one whose name did not survive) created as unconfirmed.
    current = {}
    for codename, unit in sorted(new_units.items(), key=lambda kv: kv[1].code):
        constituents = [old for old, new in old_to_new.items() if new == codename]
        continuing = codename in listed
        has_listed = any(old in listed for old in constituents)
        note = ""
        if not continuing:
            note = (
                "Không có trong danh sách cụm năm 2024; việc thành lập chưa được xác nhận."
                if not has_listed
                else "Kế thừa các liên hiệp hữu nghị của tỉnh cũ sáp nhập từ 01/07/2025; "
                "liên hiệp của tỉnh mang tên này trước 2025 chưa được xác nhận."
            )
        current[codename] = _upsert(
            root,
            codename,
            kind=OrgKind.PROVINCIAL_UNION,
            name_vi=_union_name(
                unit.name if unit.name.startswith("Thành phố") else f"Tỉnh {unit.name}"
            ),
            name_en=_english_name(unit.name),
            unit=unit,
            valid_from=None if continuing else national.MERGER_DATE,
            is_confirmed=continuing,
            note=note,
        )

    # The unions that closed on 30/06/2025, under their successor.
    closed = {}
    for codename in sorted(listed):
        successor_code = old_to_new[codename]
        if codename == successor_code:
            continue
        successor = current[successor_code]
        old = old_units[codename]
        org = _upsert(
            successor,
            codename,
            kind=OrgKind.PROVINCIAL_UNION,
            name_vi=_union_name(old.name),
            name_en=_english_name(old.name),
            unit=old,
            valid_from=None,
            valid_to=national.LAST_DAY_BEFORE_MERGER,
            is_confirmed=True,
            note="",
        )
        closed[codename] = org
        Succession.objects.update_or_create(
            predecessor=org,
            successor=successor,
            defaults={
                "kind": Succession.Kind.MERGER,
                "date": national.MERGER_DATE,
                "decision": national.MERGER_DECISION,
            },
        )

    for codename, (name, valid_to) in national.EARLIER_NAMES.items():
        OrganizationName.objects.get_or_create(
            organization=current[codename], name_vi=name, defaults={"valid_to": valid_to}
        )

    unions = {**current, **closed}
    for number, (name_vi, name_en, codes, confirmed) in national.CLUSTERS_2024.items():
        cluster, _ = Cluster.objects.update_or_create(
            number=number, defaults={"name_vi": name_vi, "name_en": name_en}
        )
        for codename in codes:
            org = unions[codename]
            ClusterMembership.objects.update_or_create(
                cluster=cluster,
                organization=org,
                valid_from=CLUSTER_START,
                defaults={
                    "valid_to": national.LAST_DAY_BEFORE_MERGER,
                    "basis": national.CLUSTER_BASIS,
                    "is_confirmed": confirmed,
                },
            )
            if codename in current:
                # After the merger: derived, not a VUFO list (FACTS §2): unconfirmed.
                ClusterMembership.objects.update_or_create(
                    cluster=cluster,
                    organization=org,
                    valid_from=national.MERGER_DATE,
                    defaults={"valid_to": None, "basis": "", "is_confirmed": False},
                )
    for number, year, head, deputy, decision in national.CLUSTER_LEADERSHIPS:
        ClusterLeadership.objects.update_or_create(
            cluster=Cluster.objects.get(number=number),
            year=year,
            defaults={
                "head": unions.get(head) if head else None,
                "deputy": unions.get(deputy) if deputy else None,
                "decision": decision,
            },
        )
    return {"current_unions": len(current), "closed_unions": len(closed)}
