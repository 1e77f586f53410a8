"""Team names in every content language (see ambassador/translated.py): everyone sees them
on people and training pages. Lookups by name in code should name the column they mean."""

from modeltranslation.translator import TranslationOptions, register

from accounts.models import Team


@register(Team)
class TeamTranslation(TranslationOptions):
    fields = ("name",)
