from celery import shared_task

from accounts import services
from accounts.connections import services as connection_services


@shared_task(
    name="accounts.send_invitation",
    autoretry_for=(OSError,),
    retry_backoff=True,
    retry_jitter=True,
    max_retries=5,
)
def send_invitation(invitation_id: int) -> None:
    """Email one invitation; a used, revoked, missing or already sent one is skipped."""
    services.invitation_send(invitation_id=invitation_id)


@shared_task(name="accounts.send_invitations")
def send_invitations(invitation_ids: list[int]) -> None:
    """Fan out a bulk import: one task per invitation, so each email retries on its own and
    the upload's request only enqueues this one message."""
    for invitation_id in invitation_ids:
        send_invitation.delay(invitation_id)


@shared_task(name="accounts.read_due_followers")
def read_due_followers() -> int:
    """Beat, hourly: follower counts of connected accounts, each read once a day."""
    return connection_services.followers_read_due()
