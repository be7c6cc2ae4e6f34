"""What the aid import looks names up in, each loaded once per check: partners (the shared
registry), organisations, reference data and administrative units (today's and the ones
before 1 July 2025, each rolled up to today's province in memory)."""

import re
from collections import defaultdict

from django.utils.translation import gettext as _

from huunghi.core.text import normalise
from huunghi.orgs.choices import Action
from huunghi.orgs.imports import exact as _exact
from huunghi.orgs.imports import key as _key
from huunghi.orgs.models import Organization
from huunghi.partners.models import Partner, partner_name_key
from huunghi.places.models import AdministrativeUnit, CodeSystem, UnitLevel, UnitMapping

_DIGITS = re.compile(r"^\d{1,6}$")


class Found:
    """A lookup's answer: the primary key, or the message that says why there is none."""

    __slots__ = ("error", "pk")

    def __init__(self, pk=None, error=""):
        self.pk, self.error = pk, error


def _first_match(tables, keys):
    for table, key in zip(tables, keys, strict=True):
        found = table.get(key) if key else None
        if found:
            return found
    return []


class SimpleIndex:
    """Reference rows (forms of aid, sectors, beneficiary groups) by code and names."""

    def __init__(self, rows):
        self.by_key: dict[str, set] = defaultdict(set)
        self.labels = {}
        for pk, code, name_vi, name_en in rows:
            self.labels[pk] = name_vi
            for text in (code, name_vi, name_en):
                if text:
                    self.by_key[_key(text)].add(pk)

    def find(self, text) -> int | None:
        found = self.by_key.get(_key(text)) or set()
        return next(iter(found)) if len(found) == 1 else None


class PartnerIndex:
    """Partners by IATI organisation identifier, acronym, and name (exact, then folded)."""

    def __init__(self, actor):
        self.by_iati: dict[str, list] = defaultdict(list)
        self.by_acronym: dict[str, list] = defaultdict(list)
        self.by_name: dict[str, list] = defaultdict(list)
        self.by_name_key: dict[str, list] = defaultdict(list)
        self.labels = {}
        rows = Partner.objects.visible_to(actor, Action.VIEW).values_list(
            "pk", "name", "name_vi", "acronym", "iati_identifier"
        )
        for pk, name, name_vi, acronym, iati in rows:
            self.labels[pk] = f"{name} ({acronym})" if acronym else name
            if iati:
                self.by_iati[iati.strip().lower()].append(pk)
            if acronym:
                self.by_acronym[_exact(acronym)].append(pk)
            for text in {name, name_vi} - {""}:
                self.by_name[_exact(text)].append(pk)
                key = partner_name_key(text)
                if key and pk not in self.by_name_key[key]:
                    self.by_name_key[key].append(pk)

    def find(self, text: str) -> Found:
        text = text.strip()
        tables = (self.by_iati, self.by_acronym, self.by_name, self.by_name_key)
        keys = (text.lower(), _exact(text), _exact(text), partner_name_key(text))
        found = _first_match(tables, keys)
        if len(found) == 1:
            return Found(found[0])
        if found:
            return Found(
                error=_(
                    "“%(value)s” matches several partners (%(list)s): write the full name or "
                    "the IATI identifier."
                )
                % {"value": text, "list": "; ".join(self.labels[pk] for pk in found[:5])}
            )
        return Found(
            error=_(
                "No partner “%(value)s” in the partner registry: write its name, acronym or "
                "IATI identifier as recorded there, or add it to the registry first."
            )
            % {"value": text}
        )


class OrganizationIndex:
    """Organisations the user may see, by code and by name, for “mobilised by”."""

    def __init__(self, actor):
        self.by_code = {}
        self.by_name: dict[str, list] = defaultdict(list)
        rows = Organization.objects.visible_to(actor, Action.VIEW).values_list(
            "pk", "code", "name_vi", "short_name_vi"
        )
        for pk, code, name_vi, short in rows:
            self.by_code[code.lower()] = pk
            for text in {name_vi, short} - {""}:
                for key in {_exact(text), normalise(text)}:
                    if pk not in self.by_name[key]:
                        self.by_name[key].append(pk)

    def find(self, text: str) -> Found:
        pk = self.by_code.get(text.strip().lower())
        if pk is not None:
            return Found(pk)
        found = self.by_name.get(_exact(text)) or self.by_name.get(normalise(text)) or []
        if len(found) == 1:
            return Found(found[0])
        if found:
            return Found(error=_("Several organisations have this name: write the code."))
        return Found(
            error=_("No organisation with the code or name “%(value)s” among those you can see.")
            % {"value": text}
        )


class UnitIndex:
    """Administrative units of both code systems by GSO code and name, with the province
    of today each one rolls up to (as ``places.selectors.current_province`` says)."""

    def __init__(self, target_province=None):
        self.target_province = target_province.pk if target_province is not None else None
        self.units = {}
        self.keys = {}
        self.by_code = {}
        self.tables = tuple(defaultdict(list) for _i in range(4))  # full/short × exact/folded
        for (
            pk,
            system,
            level,
            code,
            name,
            division,
            parent,
        ) in AdministrativeUnit.objects.values_list(
            "pk", "code_system", "level", "code", "name", "division_type", "parent_id"
        ):
            self.units[pk] = (system, level, code, name, parent)
            self.by_code[(system, code)] = pk
            short = name
            if division and name.lower().startswith(division.lower()):
                short = name[len(division) :].strip()
            # "Đồng Tháp" (2025) is also written "Tỉnh Đồng Tháp", as the old units are.
            full = {name, f"{division} {short}".strip()}
            keys = (
                {_exact(n) for n in full},
                {_exact(short)},
                {normalise(n) for n in full},
                {normalise(short)},
            )
            self.keys[pk] = set().union(*keys)
            for table, table_keys in zip(self.tables, keys, strict=True):
                for key in table_keys:
                    if pk not in table[key]:
                        table[key].append(pk)
        self.mapped = {}
        for old, new in (
            UnitMapping.objects.filter(old_unit__level=UnitLevel.PROVINCE)
            .order_by("old_unit_id", "new_unit__code")
            .values_list("old_unit_id", "new_unit_id")
        ):
            self.mapped.setdefault(old, new)
        self._province = {}

    def province_today(self, pk) -> int | None:
        """The pk of today's province of unit ``pk`` (memoised)."""
        if pk in self._province:
            return self._province[pk]
        system, level, _code, _name, parent = self.units[pk]
        if system == CodeSystem.GSO_2025:
            found = pk if level == UnitLevel.PROVINCE else parent
        else:
            province = pk
            while province is not None and self.units[province][1] != UnitLevel.PROVINCE:
                province = self.units[province][4]
            found = self.mapped.get(province) if province is not None else None
        self._province[pk] = found
        return found

    def _label(self, pk) -> str:
        system, _level, code, name, parent = self.units[pk]
        where = f", {self.units[parent][3]}" if parent else ""
        old = "" if system == CodeSystem.GSO_2025 else _(" (before 1 July 2025)")
        return f"{name}{where} – {code}{old}"

    def _ancestors(self, pk):
        parent = self.units[pk][4]
        while parent is not None:
            yield parent
            parent = self.units[parent][4]

    def _qualified(self, pk, qualifiers) -> bool:
        names = set()
        for ancestor in self._ancestors(pk):
            names |= self.keys[ancestor]
        return all(_exact(q) in names or normalise(q) in names for q in qualifiers)

    def find(self, text: str) -> Found:
        name, *qualifiers = [p.strip() for p in text.split(",") if p.strip()] or [""]
        if _DIGITS.match(name) and not qualifiers:
            for system in (CodeSystem.GSO_2025, CodeSystem.GSO_PRE_2025):
                for code in dict.fromkeys((name, name.zfill(5), name.zfill(3), name.zfill(2))):
                    pk = self.by_code.get((system, code))
                    if pk is not None:
                        return Found(pk)
            return Found(
                error=_("No administrative unit has the GSO code “%(value)s”.") % {"value": name}
            )
        candidates = []
        keys = (_exact(name), _exact(name), normalise(name), normalise(name))
        for table, key in zip(self.tables, keys, strict=True):
            candidates = table.get(key, [])
            if qualifiers:
                candidates = [pk for pk in candidates if self._qualified(pk, qualifiers)]
            if candidates:
                break
        if not candidates:
            return Found(
                error=_(
                    "No commune or province “%(value)s”: write its name as in the list of "
                    "administrative units (communes before 1 July 2025 too), or its GSO code."
                )
                % {"value": text}
            )
        pool = [pk for pk in candidates if self.units[pk][0] == CodeSystem.GSO_2025] or candidates
        if len(pool) > 1 and self.target_province:
            local = [pk for pk in pool if self.province_today(pk) == self.target_province]
            pool = local or pool
        if len(pool) == 1:
            return Found(pool[0])
        return Found(
            error=_(
                "“%(value)s” matches several units (%(list)s): add the province after a comma "
                "(“Tân Phú, Đồng Nai”) or write the GSO code."
            )
            % {"value": text, "list": "; ".join(self._label(pk) for pk in pool[:5])}
        )
