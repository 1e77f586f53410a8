import io

import pytest

from accounts import demo as accounts_demo
from posts import demo
from posts.models import Comment, ContentItem, ContentStatus, Feed

pytestmark = pytest.mark.django_db


def test_demo_library_is_idempotent(settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    accounts_demo.build(stdout=io.StringIO())
    demo.build(stdout=io.StringIO())
    first = (ContentItem.objects.count(), Comment.objects.count(), Feed.objects.count())
    demo.build(stdout=io.StringIO())
    assert (ContentItem.objects.count(), Comment.objects.count(), Feed.objects.count()) == first
    assert ContentItem.objects.filter(status=ContentStatus.APPROVED).count() == 30
    assert ContentItem.objects.filter(suggested_by__isnull=False).count() == 1
