"""The library texts written in every content language (see ambassador/translated.py).

Captions are not here: each network and language has its own caption row, with its own
length limit and guideline check.
"""

from modeltranslation.translator import TranslationOptions, register

from posts.models import ContentItem, Topic


@register(ContentItem)
class ContentItemTranslation(TranslationOptions):
    fields = ("title", "summary")


@register(Topic)
class TopicTranslation(TranslationOptions):
    fields = ("name",)
