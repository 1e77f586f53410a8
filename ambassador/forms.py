"""Form fields that answer hostile input with a form error instead of a server error.

Django's own fields let some values through that fail later, outside the form: a year-1
date overflows when it is converted to UTC, and an id beyond the database's integer range
overflows in the database driver (SQLite). The ``Safe*`` fields refuse these values during
validation, with a translated message. (Django's text and model-choice fields already
refuse NUL characters, which PostgreSQL cannot store.)
``SafeFormMixin`` (and the ready ``SafeForm`` and ``SafeModelForm`` bases) upgrades every
plain Django date, date-time and model-choice field of a form to its safe version, gives
every whole-number field without bounds those of a 32-bit integer column and every text
field without a ``max_length`` a generous one, so each form is safe without naming each
field.
"""

from __future__ import annotations

import datetime as dt

from django import forms
from django.core.exceptions import ValidationError
from django.core.validators import MaxLengthValidator, MaxValueValidator, MinValueValidator
from django.db import connections
from django.forms.fields import BaseTemporalField
from django.utils.dateparse import parse_datetime
from django.utils.translation import gettext_lazy as _

# Dates outside these bounds are typing mistakes, and far from the limits where date
# arithmetic and time-zone conversion overflow.
MIN_DATE = dt.date(1900, 1, 1)
MAX_DATE = dt.date(2999, 12, 31)

# The default range of a whole-number field that sets none: a 32-bit integer column's.
INTEGER_MIN = -(2**31)
INTEGER_MAX = 2**31 - 1

# The default limit of a text field that sets none: long enough for guidelines or a lesson.
TEXT_MAX_LENGTH = 50_000


def _check_date_range(value: dt.date, *, min_value: dt.date, max_value: dt.date) -> None:
    day = value.date() if isinstance(value, dt.datetime) else value
    if not min_value <= day <= max_value:
        raise ValidationError(
            _("Enter a date between %(min)s and %(max)s."),
            code="date_out_of_range",
            params={"min": min_value.isoformat(), "max": max_value.isoformat()},
        )


class SafeDateField(forms.DateField):
    """A date between ``min_value`` and ``max_value`` (by default 1900-01-01 to 2999-12-31)."""

    min_value = MIN_DATE
    max_value = MAX_DATE

    def __init__(self, *, min_value: dt.date | None = None, max_value: dt.date | None = None, **kw):
        super().__init__(**kw)
        if min_value is not None:
            self.min_value = min_value
        if max_value is not None:
            self.max_value = max_value

    def to_python(self, value):
        result = super().to_python(value)
        if result is not None:
            _check_date_range(result, min_value=self.min_value, max_value=self.max_value)
        return result


class SafeDateTimeField(forms.DateTimeField):
    """A date and time whose date lies between ``min_value`` and ``max_value`` and that
    converts to UTC (the database stores UTC)."""

    min_value = MIN_DATE
    max_value = MAX_DATE

    def __init__(self, *, min_value: dt.date | None = None, max_value: dt.date | None = None, **kw):
        super().__init__(**kw)
        if min_value is not None:
            self.min_value = min_value
        if max_value is not None:
            self.max_value = max_value

    def to_python(self, value):
        if value in self.empty_values:
            return None
        if isinstance(value, str):
            # Parse and check the range before Django converts from the local time zone,
            # which fails on dates near the ends of the calendar.
            try:
                parsed = parse_datetime(value.strip())
            except ValueError as exc:
                raise ValidationError(self.error_messages["invalid"], code="invalid") from exc
            value = parsed or BaseTemporalField.to_python(self, value)
        if isinstance(value, dt.date):
            _check_date_range(value, min_value=self.min_value, max_value=self.max_value)
        result = super().to_python(value)
        if result is not None and result.tzinfo is not None:
            try:
                result.astimezone(dt.UTC)
            except OverflowError as exc:
                raise ValidationError(self.error_messages["invalid"], code="invalid") from exc
        return result


def _key_is_storable(field: forms.ModelChoiceField, value) -> bool:
    """Can ``value`` be looked up in the key column without the database refusing it?

    An integer key must be a number inside the column's range. Anything else (not a number
    at all, NUL characters) is left to Django, which refuses it itself.
    """
    if isinstance(value, field.queryset.model):
        return True
    model = field.queryset.model
    column = model._meta.get_field(field.to_field_name) if field.to_field_name else model._meta.pk
    internal_type = column.get_internal_type()
    if not internal_type.endswith(("IntegerField", "AutoField")):
        return True
    try:
        number = int(str(value).strip())
    except ValueError:
        return True
    low, high = connections[field.queryset.db].ops.integer_field_range(internal_type)
    return (low is None or number >= low) and (high is None or number <= high)


class SafeModelChoiceField(forms.ModelChoiceField):
    """A model choice that refuses a key beyond the key column's range before any query."""

    def to_python(self, value):
        if value not in self.empty_values and not _key_is_storable(self, value):
            raise ValidationError(
                self.error_messages["invalid_choice"],
                code="invalid_choice",
                params={"value": value},
            )
        return super().to_python(value)


class SafeModelMultipleChoiceField(forms.ModelMultipleChoiceField):
    """Model choices that refuse a key beyond the key column's range before any query."""

    def _check_values(self, value):
        if isinstance(value, list | tuple | set | frozenset):
            for item in value:
                if not _key_is_storable(self, item):
                    raise ValidationError(
                        self.error_messages["invalid_choice"],
                        code="invalid_choice",
                        params={"value": item},
                    )
        return super()._check_values(value)


# Exact classes only: a subclass of these may have its own reasons and is left alone.
_SAFE_VERSIONS: dict[type[forms.Field], type[forms.Field]] = {
    forms.DateField: SafeDateField,
    forms.DateTimeField: SafeDateTimeField,
    forms.ModelChoiceField: SafeModelChoiceField,
    forms.ModelMultipleChoiceField: SafeModelMultipleChoiceField,
}


def harden_field(field: forms.Field, *, text_max_length: int = TEXT_MAX_LENGTH) -> forms.Field:
    """Upgrade one form field in place (and return it): a plain date, date-time or model
    choice field becomes its ``Safe*`` version (which keeps every attribute of the field it
    replaces); a whole-number field without bounds gets a 32-bit integer's; a text field
    without a ``max_length`` gets ``text_max_length``."""
    safe = _SAFE_VERSIONS.get(type(field))
    if safe is not None:
        field.__class__ = safe
    if type(field) is forms.IntegerField:  # not FloatField or DecimalField, its subclasses
        if field.max_value is None:
            field.max_value = INTEGER_MAX
            field.validators.append(MaxValueValidator(INTEGER_MAX))
        if field.min_value is None:
            field.min_value = INTEGER_MIN
            field.validators.append(MinValueValidator(INTEGER_MIN))
        field.widget.attrs.update(field.widget_attrs(field.widget))
    if isinstance(field, forms.CharField) and field.max_length is None:
        field.max_length = text_max_length
        field.validators.append(MaxLengthValidator(text_max_length))
        field.widget.attrs.update(field.widget_attrs(field.widget))
    return field


class SafeFormMixin:
    """Hardens every field of the form (see ``harden_field``) when the form is built."""

    text_max_length = TEXT_MAX_LENGTH

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for field in self.fields.values():
            harden_field(field, text_max_length=self.text_max_length)


class SafeForm(SafeFormMixin, forms.Form):
    pass


class SafeModelForm(SafeFormMixin, forms.ModelForm):
    pass
