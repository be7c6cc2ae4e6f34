"""Admin forms of aid activities and transactions: shares that add up, donors once, the
transaction's provider among the activity's donors."""

from decimal import Decimal

from django import forms
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from huunghi.core.money import parse_amount
from huunghi.orgs.choices import Action
from huunghi.orgs.forms import ScopedAdminForm

from .models import AidActivity, equal_shares


def _format_share(value: Decimal) -> str:
    text = f"{value.normalize():f}" if value == value.to_integral() else f"{value:f}"
    return text.replace(".", ",")


class AidActivityForm(ScopedAdminForm):
    """An aid activity with its donors, sector, location and beneficiary rows.

    Sector shares, and location shares when any is given, must add up to exactly 100;
    when no share is given the rows get equal shares (33,34 + 33,33 + 33,33)."""

    scope_field_actions = {"mobilised_by": Action.VIEW, "attachments": Action.VIEW}

    def _rows(self, relation: str, key: str):
        formset = self.formsets.get(relation)
        if formset is None:
            return None, []
        formset.is_valid()
        rows = [
            f
            for f in formset.forms
            if getattr(f, "cleaned_data", None)
            and not f.cleaned_data.get("DELETE")
            and f.cleaned_data.get(key) is not None
        ]
        return formset, rows

    def _refuse(self, formset, message: str):
        formset._non_form_errors.append(message)
        self.add_error(None, message)

    def _check_shares(self, relation: str, key: str, label: str):
        formset, rows = self._rows(relation, key)
        if not rows:
            return
        shares = [f.cleaned_data.get("share") for f in rows]
        if all(share is None for share in shares):
            for form, share in zip(rows, equal_shares(len(rows)), strict=True):
                form.cleaned_data["share"] = share
                form.instance.share = share
            return
        if any(share is None for share in shares):
            self._refuse(
                formset,
                _("%(what)s: give a share on every row, or on none for equal shares.")
                % {"what": label},
            )
            return
        total = sum(shares, Decimal(0))
        if total != 100:
            self._refuse(
                formset,
                _("%(what)s add up to %(total)s%%; they must add up to 100%%.")
                % {"what": label, "total": _format_share(total)},
            )
        seen = [f.cleaned_data[key].pk for f in rows]
        if len(seen) != len(set(seen)):
            self._refuse(formset, _("%(what)s: the same row is given twice.") % {"what": label})

    def clean(self):
        cleaned = super().clean()
        self._check_shares("sectors", "sector", _("Sector shares"))
        self._check_shares("locations", "unit", _("Location shares"))
        formset, donors = self._rows("donors", "partner")
        partners = [f.cleaned_data["partner"].pk for f in donors]
        if len(partners) != len(set(partners)):
            self._refuse(formset, _("A donor is listed twice."))
        return cleaned


class AmountField(forms.DecimalField):
    """An amount typed the Vietnamese way ("12.000,50") or the international way."""

    widget = forms.TextInput(attrs={"inputmode": "decimal", "autocomplete": "off"})

    def to_python(self, value):
        if value in self.empty_values:
            return None
        try:
            return parse_amount(value)
        except ValueError as exc:
            raise forms.ValidationError(
                _("“%(value)s” is not an amount (for example 1.250.000 or 12.000,50).")
                % {"value": value},
                code="invalid",
            ) from exc

    def widget_attrs(self, widget):
        return {}


class AidTransactionForm(ScopedAdminForm):
    """A transaction: only on activities the user may change; when the activity is known
    (``?activity=`` from the activity's page) the provider is chosen among its donors."""

    scope_field_actions = {"activity": Action.CHANGE}

    amount = AmountField(label=gettext_lazy("amount"), max_digits=20, decimal_places=2)
    vnd_credited = AmountField(
        label=gettext_lazy("đồng actually credited"),
        required=False,
        max_digits=20,
        decimal_places=0,
        help_text=gettext_lazy(
            "What the aid account received; when given it is used instead of the rate."
        ),
    )

    def clean_vnd_credited(self):
        value = self.cleaned_data.get("vnd_credited")
        return int(value) if value is not None else None

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        activity_id = self.initial.get("activity") or (
            self.instance.activity_id if self.instance.pk else None
        )
        if activity_id and "provider" in self.fields:
            donors = (
                AidActivity.objects.filter(pk=activity_id)
                .values_list("donors__partner", flat=True)
                .exclude(donors__partner=None)
            )
            field = self.fields["provider"]
            field.queryset = field.queryset.filter(pk__in=donors)
            field.widget = forms.Select(choices=field.choices)
