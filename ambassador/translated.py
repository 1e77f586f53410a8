"""Content in the reader's language: one mechanism for every translated text.

django-modeltranslation gives each registered field (``title``) one column per language
in ``settings.LANGUAGES`` (``title_en``, ``title_nb``, …) on the same row, so reading a
translation costs no query and no join. Reading ``obj.title`` answers in the active
language, else the default language (``settings.LANGUAGE_CODE``), else any language that
has text. This module adds what the package does not: which language a text is actually
shown in (for the "shown in English" marker), explicit reads in a given language,
searches over chosen languages, "which translations are missing", editor forms with the
languages side by side, and the copy of untranslated data into the default language that
the data migrations share.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence

from django import forms
from django.conf import settings
from django.db.models import Q
from django.utils import translation
from django.utils.text import capfirst
from django.utils.translation import gettext as _
from modeltranslation import settings as mt_settings
from modeltranslation.utils import build_localized_fieldname, resolution_order

from ambassador.forms import harden_field


def content_languages() -> list[str]:
    """The languages content can be written in: ``settings.LANGUAGES`` at start-up (each has
    its columns, added by a migration)."""
    return list(mt_settings.AVAILABLE_LANGUAGES)


def default_language() -> str:
    """The programme's default language: required in editors, the fallback when reading."""
    return mt_settings.DEFAULT_LANGUAGE


def reader_language(language: str | None = None) -> str:
    """``language`` (default: the active one) as one of the content languages: a regional
    variant becomes its base language; an unknown language becomes the default."""
    code = (language or translation.get_language() or default_language()).lower()
    languages = content_languages()
    if code in languages:
        return code
    base = code.split("-")[0]
    return base if base in languages else default_language()


def requested_language(language: str | None = None) -> str:
    """The language the reader asked for (default: the active one), as a base language code,
    whether or not content has columns for it yet."""
    code = (language or translation.get_language() or default_language()).lower()
    return code if code in content_languages() else code.split("-")[0]


def localized(field: str, language: str) -> str:
    """The column of ``field`` in ``language``: ``localized("title", "nb") == "title_nb"``."""
    return build_localized_fieldname(field, language)


def localized_fields(*fields: str) -> list[str]:
    """Every language's column of each field, field by field in language order."""
    return [localized(field, language) for field in fields for language in content_languages()]


def _has_text(value) -> bool:
    return value is not None and str(value).strip() != ""


def text_in(obj, field: str, language: str) -> str:
    """The text of ``field`` written in exactly ``language`` ('' when there is none)."""
    value = getattr(obj, localized(field, language), None)
    return value if _has_text(value) else ""


def reading_order(language: str | None = None) -> list[str]:
    """The languages tried, in order, for a reader of ``language``."""
    order = resolution_order(reader_language(language))
    return list(dict.fromkeys([*order, *content_languages()]))


def shown_language(obj, field: str, language: str | None = None) -> str | None:
    """The language ``obj.field`` is shown in for a reader of ``language`` (default: the
    active language), or None when no language has text."""
    for code in reading_order(language):
        if text_in(obj, field, code):
            return code
    return None


def read(obj, field: str, language: str | None = None) -> str:
    """``obj.field`` for a reader of ``language``, whatever language is active (e-mails,
    notifications and other texts written for someone other than the current request)."""
    code = shown_language(obj, field, language)
    return text_in(obj, field, code) if code else ""


def is_fallback(obj, field: str, language: str | None = None) -> bool:
    """Is ``obj.field`` shown in another language than the reader's?"""
    code = shown_language(obj, field, language)
    return code is not None and code != requested_language(language)


def fallback_marker_text(language: str) -> str:
    """The marker next to a text shown in ``language`` instead of the reader's, in the
    reader's language (the active one)."""
    phrases = {"en": _("shown in English"), "nb": _("shown in Norwegian")}
    if language in phrases:
        return phrases[language]
    name = translation.get_language_info(language)["name_translated"]
    return _("shown in %(language)s") % {"language": name}


def language_name(language: str) -> str:
    """The name of ``language`` in the active language, as settings.LANGUAGES gives it."""
    names = dict(settings.LANGUAGES)
    if language in names:
        return str(names[language])
    return translation.get_language_info(language)["name_translated"]


def missing_languages(obj, fields: Sequence[str]) -> list[str]:
    """The content languages in which any of ``fields`` that has text somewhere has none."""
    written = [field for field in fields if shown_language(obj, field) is not None]
    return [
        language
        for language in content_languages()
        if any(not text_in(obj, field, language) for field in written)
    ]


def search_q(query: str, fields: Iterable[str], *, languages: Iterable[str], prefix: str = "") -> Q:
    """Any of ``fields`` contains ``query`` (case-insensitive) in any of ``languages``.

    ``prefix`` reaches a related model (``"topics__"``). The columns are named explicitly,
    so the package's rewriting of lookups to the active language does not apply.
    """
    q = Q()
    for field in fields:
        for language in dict.fromkeys(languages):
            q |= Q(**{f"{prefix}{localized(field, language)}__icontains": query})
    return q


def untranslated_q(fields: Iterable[str], *, language: str, prefix: str = "") -> Q:
    """Rows lacking ``language``'s text in any of ``fields`` (empty or NULL)."""
    q = Q()
    for field in fields:
        column = f"{prefix}{localized(field, language)}"
        q |= Q(**{f"{column}__isnull": True}) | Q(**{column: ""})
    return q


# --- Editors --------------------------------------------------------------------------------


class TranslatedFieldsMixin:
    """A form that edits each translated field in every content language side by side.

    ``translated_fields`` names the fields (``"title"``); the form has one form field per
    language (``title_en``, ``title_nb``, …), labelled "Title (English)" and so on. The
    default language is required for the fields named in ``required_fields``; the other
    languages are optional. A ModelForm lists the columns in ``Meta.fields`` with
    ``localized_fields``; a plain form makes them with ``translated_form_fields`` and names their labels in
    ``translated_labels``.
    """

    translated_fields: Sequence[str] = ()
    required_fields: Sequence[str] = ()
    translated_labels: dict = {}
    # For a plain form: field → a function making one language's form field.
    translated_form_fields: dict[str, Callable[[], forms.Field]] = {}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for field, make in self.translated_form_fields.items():
            for language in content_languages():
                name = localized(field, language)
                if name not in self.fields:
                    self.fields[name] = harden_field(make())
        default = default_language()
        for field in self.translated_fields:
            for language in content_languages():
                form_field = self.fields.get(localized(field, language))
                if form_field is None:
                    continue
                form_field.label = language_label(self.translated_label(field), language)
                form_field.required = language == default and field in self.required_fields
                form_field.widget.attrs["lang"] = language

    def translated_label(self, field: str):
        if field in self.translated_labels:
            return self.translated_labels[field]
        model = getattr(getattr(self, "_meta", None), "model", None)
        return capfirst(model._meta.get_field(field).verbose_name) if model else field

    def translation_rows(self) -> list[dict]:
        """One row per translated field: its label and one bound field per language."""
        rows = []
        for field in self.translated_fields:
            names = [localized(field, language) for language in content_languages()]
            bound = [self[name] for name in names if name in self.fields]
            if bound:
                rows.append({"label": self.translated_label(field), "fields": bound})
        return rows

    def other_fields(self) -> list:
        """The form's other visible fields, in their order."""
        translated = set(localized_fields(*self.translated_fields))
        return [bf for bf in self.visible_fields() if bf.name not in translated]

    def translations_of(self, field: str) -> dict[str, str]:
        """The cleaned texts of ``field``: language → text ('' where left empty)."""
        return {
            language: self.cleaned_data.get(localized(field, language)) or ""
            for language in content_languages()
            if localized(field, language) in self.fields
        }


def language_label(label, language: str) -> str:
    """A field's label with the language it is written in: "Title (Norwegian Bokmål)"."""
    return _("%(field)s (%(language)s)") % {"field": label, "language": language_name(language)}


# --- Data migrations ------------------------------------------------------------------------


def copy_into_default_language(model, fields: Sequence[str]) -> None:
    """For a historical ``model`` (in a migration): each field's untranslated column,
    copied into the default language's column where that is empty. Nothing is lost."""
    _copy(model, fields, to_translation=True)


def copy_back_from_translations(model, fields: Sequence[str]) -> None:
    """The reverse: the untranslated column gets the default language's text (else any
    language's), as it was before translations existed."""
    _copy(model, fields, to_translation=False)


def _copy(model, fields: Sequence[str], *, to_translation: bool) -> None:
    columns = {f.name for f in model._meta.get_fields()}
    default = default_language()
    order = [default, *(code for code in content_languages() if code != default)]
    for row in model._base_manager.all().iterator():
        changed = []
        for field in fields:
            present = [
                localized(field, code) for code in order if localized(field, code) in columns
            ]
            if not present:
                continue
            if to_translation:
                target = present[0]  # the default language's, when it has its column
                if not _has_text(getattr(row, target)) and _has_text(getattr(row, field)):
                    setattr(row, target, getattr(row, field))
                    changed.append(target)
            else:
                text = next((getattr(row, c) for c in present if _has_text(getattr(row, c))), None)
                if text is not None and text != getattr(row, field):
                    setattr(row, field, text)
                    changed.append(field)
        if changed:
            row.save(update_fields=changed)


def save_in_default_language(obj, **kwargs) -> None:
    """``obj.save()`` with the untranslated columns holding the default language's text,
    whatever language the request is in (the package fills them from the active one)."""
    with translation.override(default_language()):
        obj.save(**kwargs)
