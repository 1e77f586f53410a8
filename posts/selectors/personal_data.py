"""Everything stored about one person, for their own download; nothing about anyone else.

Left out on purpose: passwords, MFA secrets, session keys and any network token or webhook
address; the
visitor hashes of clicks (they are other people's visits, counted only as totals here);
and who else did something to the person (audit events list what happened and when).
"""

from __future__ import annotations

from allauth.socialaccount.models import SocialAccount

from accounts.models import (
    AuditEvent,
    Connection,
    FollowerReading,
    Notification,
    NotificationPreference,
    NotificationSetting,
    SocialProfile,
    TeamMembership,
    User,
)
from posts.models import (
    Comment,
    ContentItem,
    EngagementReading,
    LeaderboardOptIn,
    PersonDay,
    Share,
    ShareDailyClicks,
)
from training.models import Completion, GuidelineAcknowledgement, LessonRead, QuizAttempt


def personal_data(*, user: User) -> dict:
    shares = list(
        Share.objects.filter(user=user).select_related("item").order_by("created_at", "id")
    )
    share_ids = [s.id for s in shares]
    clicks: dict[int, list] = {}
    for row in ShareDailyClicks.objects.filter(share_id__in=share_ids).order_by("day"):
        clicks.setdefault(row.share_id, []).append(
            {"day": row.day, "clicks": row.clicks, "unique_visitors": row.unique_visitors}
        )
    readings: dict[int, list] = {}
    for r in EngagementReading.objects.filter(share_id__in=share_ids).order_by("read_at"):
        readings.setdefault(r.share_id, []).append(
            {
                "read_at": r.read_at,
                "reactions": r.reactions,
                "reposts": r.reposts,
                "replies": r.replies,
                "quotes": r.quotes,
                "impressions": r.impressions,
            }
        )
    return {
        "profile": {
            "email": user.email,
            "display_name": user.display_name,
            "language": user.language,
            "time_zone": user.time_zone,
            "joined": user.date_joined,
            "active": user.is_active,
            "programme_admin": user.is_admin,
        },
        "teams": [
            {"team": m.team.name, "manager": m.is_manager, "joined": m.joined_at}
            for m in TeamMembership.objects.filter(user=user)
            .select_related("team")
            .order_by("team__name")
        ],
        "social_profiles": [
            {
                "network": p.network,
                "handle": p.handle,
                "instance_url": p.instance_url,
                "followers": p.followers_count,
                "updated_at": p.updated_at,
            }
            for p in SocialProfile.objects.filter(user=user).order_by("network")
        ],
        "connected_accounts": [
            {
                "network": c.network,
                "handle": c.handle,
                "state": c.state,
                "server": c.service_url,
                "connected": c.connected_at,
                "expires": c.expires_at,
                "followers": c.followers_count,
                "followers_read": c.followers_read_at,
            }
            for c in Connection.objects.filter(user=user).order_by("network")
        ],
        "follower_readings": [
            {"network": r.network, "followers": r.followers, "source": r.source, "at": r.read_at}
            for r in FollowerReading.objects.filter(user=user).order_by("read_at", "id")
        ],
        "sign_in_accounts": [
            {"provider": a.provider, "account_id": a.uid, "connected": a.date_joined}
            for a in SocialAccount.objects.filter(user=user).order_by("provider")
        ],
        "shares": [
            {
                "content": s.item.title,
                "url": s.item.url,
                "network": s.network,
                "caption": s.caption,
                "followers_at_share_time": s.followers_at_share,
                "tracked_link_code": s.code,
                "shared_at": s.created_at,
                "status": s.status,
                "scheduled_for": s.scheduled_at,
                "posted_at": s.posted_at,
                "post_address": s.post_url,
                "clicks_by_day": clicks.get(s.id, []),
                "engagement_readings": readings.get(s.id, []),
            }
            for s in shares
        ],
        "suggestions": [
            {"title": i.title, "url": i.url, "status": i.status, "reason": i.suggestion_reason}
            for i in ContentItem.objects.filter(suggested_by=user).order_by("created_at")
        ],
        "comments": [
            {"content": c.item.title, "comment": c.body, "written": c.created_at}
            for c in Comment.objects.filter(author=user)
            .select_related("item")
            .order_by("created_at")
        ],
        "guideline_acknowledgements": [
            {"version": a.version.number, "acknowledged": a.acknowledged_at}
            for a in GuidelineAcknowledgement.objects.filter(user=user)
            .select_related("version")
            .order_by("acknowledged_at")
        ],
        "training": {
            "completed_modules": [
                {"module": c.module.title, "completed": c.completed_at, "certificate": c.code}
                for c in Completion.objects.filter(user=user)
                .select_related("module")
                .order_by("completed_at")
            ],
            "quiz_attempts": [
                {"module": q.module.title, "score": q.score, "passed": q.passed, "at": q.created_at}
                for q in QuizAttempt.objects.filter(user=user)
                .select_related("module")
                .order_by("created_at")
            ],
            "lessons_read": [
                {"lesson": r.lesson.title, "read": r.read_at}
                for r in LessonRead.objects.filter(user=user)
                .select_related("lesson")
                .order_by("read_at")
            ],
        },
        "notifications": [
            {
                "kind": n.kind,
                "title": n.title,
                "body": n.body,
                "url": n.url,
                "created": n.created_at,
                "read": n.read_at,
            }
            for n in Notification.objects.filter(recipient=user).order_by("created_at")
        ],
        "notification_settings": [
            {
                "digest": n.digest_frequency,
                "quiet_hours_start": n.quiet_hours_start,
                "quiet_hours_end": n.quiet_hours_end,
            }
            for n in NotificationSetting.objects.filter(user=user)
        ],
        "notification_preferences": [
            {"kind": p.kind, "channel": p.channel, "enabled": p.enabled}
            for p in NotificationPreference.objects.filter(user=user).order_by("kind", "channel")
        ],
        "reach_by_day": [
            {
                "day": d.day,
                "shares": d.shares_posted + d.shares_intent,
                "potential_reach": d.potential_reach,
                "clicks": d.clicks,
                "unique_visitors": d.unique_visitors,
                "engagement": d.engagement,
            }
            for d in PersonDay.objects.filter(user=user).order_by("day")
        ],
        "leaderboard_opt_in": LeaderboardOptIn.objects.filter(user=user)
        .values_list("opted_in_at", flat=True)
        .first(),
        "your_actions": [
            {"at": e.at, "action": e.action}
            for e in AuditEvent.objects.filter(actor=user).order_by("at", "id")
        ],
        "events_about_you": [
            {"at": e.at, "action": e.action}
            for e in AuditEvent.objects.filter(target_type="accounts.user", target_id=str(user.pk))
            .exclude(actor=user)
            .order_by("at", "id")
        ],
    }
