"""Demo comments: a few threads under the demo's items, written once (an item that already
has comments is left alone)."""

from datetime import timedelta

from django.utils import timezone

from accounts.models import User
from posts.models import Comment, ContentItem

COMMENTS = {
    "wind-farm-fosen": [
        ("employee@example.com", "Shared this on LinkedIn — **23 reactions** in an hour!"),
        ("manager@example.com", "Great! Did anyone ask about the turbines? We have a fact sheet."),
        (
            "employee001@demo.example.com",
            "Someone asked about noise. Is there an answer I can link to?",
        ),
    ],
    "hiring-backend": [
        ("manager2@example.com", "Please share with your networks — referrals get a bonus."),
        ("employee003@demo.example.com", "Posted on Mastodon, a friend already applied."),
    ],
    "event-arendal": [
        ("employee@example.com", "Can I use the Norwegian caption on X too? It's a bit long."),
        ("admin@example.com", "Yes — shorten it a little, the guideline check will tell you."),
    ],
}


def build() -> None:
    now = timezone.now()
    people = {
        u.email: u
        for u in User.objects.filter(email__in={e for t in COMMENTS.values() for e, _ in t})
    }
    for slug, thread in COMMENTS.items():
        item = ContentItem.objects.filter(slug=slug).first()
        if item is None or item.comments.exists():
            continue
        for offset, (email, body) in enumerate(thread):
            if email in people:
                Comment.objects.create(
                    item=item,
                    author=people[email],
                    body=body,
                    created_at=now - timedelta(hours=len(thread) - offset),
                )
