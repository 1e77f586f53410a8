"""Forms of reach metrics: the period, EMV rates, point weights and the reach calculator."""

from __future__ import annotations

import re
from decimal import Decimal

from django import forms
from django.utils.translation import gettext_lazy as _

from posts.models import PointAction
from posts.models.shares import SHARE_NETWORK_CHOICES
from posts.selectors.metrics import (
    CUSTOM_PERIOD_MAX_DAYS,
    DEFAULT_PERIOD_DAYS,
    PERIOD_DAYS,
    Period,
    period_last,
    programme_today,
)

CURRENCY_RE = re.compile(r"[A-Z]{3}")


class PeriodForm(forms.Form):
    period = forms.ChoiceField(
        label=_("Period"),
        required=False,
        choices=[
            ("7", _("Last 7 days")),
            ("30", _("Last 30 days")),
            ("90", _("Last 90 days")),
            ("custom", _("Custom range")),
        ],
    )
    start = forms.DateField(
        label=_("From"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    end = forms.DateField(
        label=_("To"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )

    def clean(self):
        data = super().clean()
        if data.get("period") != "custom":
            return data
        start, end = data.get("start"), data.get("end")
        if start is None or end is None:
            raise forms.ValidationError(_("A custom range needs a start and an end date."))
        if end < start:
            raise forms.ValidationError(_("The end date is before the start date."))
        if end > programme_today():
            raise forms.ValidationError(_("The range cannot end in the future."))
        if (end - start).days + 1 > CUSTOM_PERIOD_MAX_DAYS:
            raise forms.ValidationError(
                _("A range can be at most %(days)s days long.") % {"days": CUSTOM_PERIOD_MAX_DAYS}
            )
        return data

    def period_or_default(self) -> Period:
        """The chosen period; the last 30 days when nothing (valid) was chosen."""
        if not self.is_valid():
            return period_last(days=DEFAULT_PERIOD_DAYS)
        choice = self.cleaned_data.get("period") or str(DEFAULT_PERIOD_DAYS)
        if choice == "custom":
            return Period(
                start=self.cleaned_data["start"], end=self.cleaned_data["end"], key="custom"
            )
        days = int(choice)
        return period_last(days=days if days in PERIOD_DAYS else DEFAULT_PERIOD_DAYS)


class MetricRateForm(forms.Form):
    network = forms.ChoiceField(label=_("Network"), choices=SHARE_NETWORK_CHOICES)
    currency = forms.CharField(
        label=_("Currency"),
        initial="NOK",
        max_length=3,
        help_text=_("Three-letter code, e.g. NOK, EUR."),
    )
    cpm = forms.DecimalField(
        label=_("CPM (per 1,000 impressions)"),
        min_value=Decimal(0),
        max_digits=12,
        decimal_places=2,
    )
    cpc = forms.DecimalField(
        label=_("CPC (per click)"), min_value=Decimal(0), max_digits=12, decimal_places=2
    )
    reaction_weight = forms.DecimalField(
        label=_("Reaction weight"),
        initial=Decimal(1),
        min_value=Decimal(0),
        max_digits=6,
        decimal_places=3,
        help_text=_("How many clicks one reaction, repost, reply or quote is worth."),
    )
    effective_date = forms.DateField(
        label=_("Effective from"), widget=forms.DateInput(attrs={"type": "date"})
    )

    def clean_currency(self) -> str:
        value = self.cleaned_data["currency"].strip().upper()
        if not CURRENCY_RE.fullmatch(value):
            raise forms.ValidationError(_("Enter a three-letter currency code, e.g. NOK."))
        return value


class PointWeightsForm(forms.Form):
    def __init__(self, *args, initial_weights: dict[str, int], **kwargs):
        super().__init__(*args, **kwargs)
        for action, label in PointAction.choices:
            self.fields[action] = forms.IntegerField(
                label=label, min_value=0, max_value=1000, initial=initial_weights.get(action, 0)
            )

    def weights(self) -> dict[str, int]:
        return {action: self.cleaned_data[action] for action, _label in PointAction.choices}


class CalculatorForm(forms.Form):
    ambassadors = forms.IntegerField(label=_("Ambassadors"), min_value=1, max_value=1_000_000)
    shares_per_month = forms.DecimalField(
        label=_("Shares per ambassador per month"),
        min_value=Decimal(0),
        max_value=Decimal(1000),
        max_digits=7,
        decimal_places=2,
    )
    followers = forms.IntegerField(
        label=_("Median followers per share"), min_value=0, max_value=100_000_000
    )
