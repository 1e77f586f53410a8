"""The shared safe form fields: hostile values give a form error, never a server error."""

import datetime as dt

import pytest
from django import forms
from django.utils import translation

from accounts.models import Team
from ambassador.forms import (
    SafeDateField,
    SafeDateTimeField,
    SafeForm,
    SafeModelChoiceField,
    SafeModelForm,
    SafeModelMultipleChoiceField,
)
from tests.factories import TeamFactory

HUGE_ID = "99999999999999999999"


class _TeamsForm(SafeForm):
    teams = SafeModelMultipleChoiceField(queryset=Team.objects.all(), required=False)


class _TeamForm(SafeForm):
    team = SafeModelChoiceField(queryset=Team.objects.all(), required=False)


class _PlainForm(SafeForm):
    """Plain Django fields, hardened by the mixin."""

    note = forms.CharField(widget=forms.Textarea, required=False)
    title = forms.CharField(max_length=20, required=False)
    day = forms.DateField(required=False)
    starts_at = forms.DateTimeField(required=False)
    teams = forms.ModelMultipleChoiceField(queryset=Team.objects.all(), required=False)
    team = forms.ModelChoiceField(queryset=Team.objects.all(), required=False)


class _NumberForm(SafeForm):
    count = forms.IntegerField(required=False)
    limited = forms.IntegerField(min_value=0, max_value=10, required=False)
    share = forms.DecimalField(required=False)


class _TeamModelForm(SafeModelForm):
    class Meta:
        model = Team
        fields = ["name", "parent"]


def test_safe_date_field_refuses_year_one():
    field = SafeDateField()
    with pytest.raises(forms.ValidationError) as caught:
        field.clean("0001-01-01")
    assert caught.value.messages == ["Enter a date between 1900-01-01 and 2999-12-31."]


def test_safe_date_field_accepts_an_ordinary_date():
    assert SafeDateField().clean("2027-01-31") == dt.date(2027, 1, 31)


def test_safe_date_field_bounds_can_be_narrowed():
    field = SafeDateField(min_value=dt.date(2020, 1, 1))
    with pytest.raises(forms.ValidationError, match="between 2020-01-01 and 2999-12-31"):
        field.clean("2019-12-31")


@pytest.mark.parametrize("value", ["0001-01-01T00:00", "0001-01-01 00:00:00", "9999-12-31T23:59"])
def test_safe_datetime_field_refuses_the_ends_of_the_calendar(settings, value):
    settings.TIME_ZONE = "Europe/Oslo"
    with pytest.raises(forms.ValidationError) as caught:
        SafeDateTimeField().clean(value)
    assert caught.value.messages == ["Enter a date between 1900-01-01 and 2999-12-31."]


def test_safe_datetime_field_accepts_an_ordinary_time_as_aware():
    value = SafeDateTimeField().clean("2027-01-31T09:30")
    assert (value.year, value.month, value.day, value.hour, value.minute) == (2027, 1, 31, 9, 30)
    assert value.tzinfo is not None


def test_safe_datetime_field_refuses_nul():
    with pytest.raises(forms.ValidationError) as caught:
        SafeDateTimeField().clean("2027-01-31\x00")
    assert caught.value.messages == ["Enter a valid date/time."]


def test_safe_date_error_is_translated():
    with translation.override("nb"):
        with pytest.raises(forms.ValidationError) as caught:
            SafeDateField().clean("0001-01-01")
        assert caught.value.messages == ["Skriv en dato mellom 1900-01-01 og 2999-12-31."]


@pytest.mark.django_db
@pytest.mark.parametrize("value", [HUGE_ID, "-" + HUGE_ID])
def test_safe_multiple_choice_refuses_out_of_range_ids_without_a_query(
    value, django_assert_num_queries
):
    TeamFactory()
    form = _TeamsForm({"teams": [value]})
    with django_assert_num_queries(0):
        assert form.is_valid() is False
    assert form.errors["teams"] == [
        f"Select a valid choice. {value} is not one of the available choices."
    ]


@pytest.mark.django_db
def test_safe_multiple_choice_refuses_a_negative_id():
    team = TeamFactory()
    form = _TeamsForm({"teams": [str(team.pk), "-1"]})
    assert form.is_valid() is False
    assert form.errors["teams"] == [
        "Select a valid choice. -1 is not one of the available choices."
    ]


@pytest.mark.django_db
def test_safe_multiple_choice_accepts_existing_ids():
    team = TeamFactory()
    form = _TeamsForm({"teams": [str(team.pk)]})
    assert form.is_valid(), form.errors
    assert list(form.cleaned_data["teams"]) == [team]


@pytest.mark.django_db
@pytest.mark.parametrize("value", [HUGE_ID, "-" + HUGE_ID])
def test_safe_choice_refuses_out_of_range_ids_without_a_query(value, django_assert_num_queries):
    form = _TeamForm({"team": value})
    with django_assert_num_queries(0):
        assert form.is_valid() is False
    assert form.errors["team"] == [
        "Select a valid choice. That choice is not one of the available choices."
    ]


@pytest.mark.django_db
def test_safe_choice_refuses_nul_without_a_query(django_assert_num_queries):
    form = _TeamForm({"team": "1\x00"})
    with django_assert_num_queries(0):
        assert form.is_valid() is False
    assert form.errors["team"] == ["Null characters are not allowed."]


@pytest.mark.django_db
def test_safe_choice_accepts_an_existing_id():
    team = TeamFactory()
    form = _TeamForm({"team": str(team.pk)})
    assert form.is_valid(), form.errors
    assert form.cleaned_data["team"] == team


def test_safe_form_upgrades_plain_fields():
    form = _PlainForm()
    assert [type(form.fields[name]) for name in ("day", "starts_at", "teams", "team")] == [
        SafeDateField,
        SafeDateTimeField,
        SafeModelMultipleChoiceField,
        SafeModelChoiceField,
    ]


def test_safe_form_leaves_the_class_of_other_forms_alone():
    class Plain(forms.Form):
        day = forms.DateField()

    SafeForm()  # building a safe form must not change the shared declarations
    _PlainForm()
    assert type(Plain().fields["day"]) is forms.DateField
    assert type(_PlainForm.base_fields["day"]) is forms.DateField


def test_safe_form_refuses_a_huge_text_with_a_clear_error():
    form = _PlainForm({"note": "x" * 100_000})
    assert form.is_valid() is False
    assert form.errors["note"] == [
        "Ensure this value has at most 50000 characters (it has 100000)."
    ]


def test_safe_form_text_limit_is_shown_to_the_browser():
    assert 'maxlength="50000"' in str(_PlainForm()["note"])


def test_safe_form_keeps_a_field_s_own_max_length():
    form = _PlainForm({"title": "x" * 21})
    assert form.is_valid() is False
    assert form.errors["title"] == ["Ensure this value has at most 20 characters (it has 21)."]


def test_safe_form_refuses_nul_in_text():
    form = _PlainForm({"note": "a\x00b"})
    assert form.is_valid() is False
    assert form.errors["note"] == ["Null characters are not allowed."]


@pytest.mark.django_db
def test_safe_form_plain_date_and_choice_fields_are_hardened(django_assert_num_queries):
    form = _PlainForm({"day": "0001-01-01", "starts_at": "0001-01-01T00:00", "teams": [HUGE_ID]})
    with django_assert_num_queries(0):
        assert form.is_valid() is False
    assert sorted(form.errors) == ["day", "starts_at", "teams"]


@pytest.mark.django_db
def test_safe_model_form_hardens_model_generated_fields(django_assert_num_queries):
    form = _TeamModelForm({"name": "Sales", "parent": HUGE_ID})
    assert type(form.fields["parent"]) is SafeModelChoiceField
    with django_assert_num_queries(0):
        assert form.is_valid() is False
    assert list(form.errors) == ["parent"]


@pytest.mark.parametrize(
    ("value", "error"),
    [
        (HUGE_ID, "Ensure this value is less than or equal to 2147483647."),
        ("-" + HUGE_ID, "Ensure this value is greater than or equal to -2147483648."),
    ],
)
def test_safe_form_bounds_a_whole_number_field_to_a_database_integer(value, error):
    form = _NumberForm({"count": value})
    assert form.is_valid() is False
    assert form.errors["count"] == [error]


def test_safe_form_keeps_a_whole_number_field_s_own_bounds():
    form = _NumberForm({"limited": "11"})
    assert form.is_valid() is False
    assert form.errors["limited"] == ["Ensure this value is less than or equal to 10."]
    assert _NumberForm().fields["limited"].max_value == 10


def test_safe_form_leaves_decimal_fields_unbounded():
    form = _NumberForm({"share": HUGE_ID})
    assert form.is_valid(), form.errors
    assert form.fields["share"].max_value is None
