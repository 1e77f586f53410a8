from celery import shared_task

from accounts import notifications, services, webhooks
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


@shared_task(name="accounts.notifications_tick")
def notifications_tick() -> dict:
    """Beat, every minute: create what is due, then hand due emails and webhook messages
    to workers. Each handed-over row is marked in the database first, so a lost task is
    handed over again later and a doubled one finds nothing left to claim."""
    result = notifications.reminders_tick()
    for batch in result.email_batches:
        send_notification_emails.delay(batch)
    for message_id in result.webhook_message_ids:
        deliver_webhook_message.delay(message_id)
    return result.offered


@shared_task(name="accounts.send_notification_emails")
def send_notification_emails(notification_ids: list[int]) -> int:
    """Claim and send one batch of notification emails over one mail connection."""
    return len(notifications.emails_send(notification_ids=notification_ids).sent)


@shared_task(name="accounts.deliver_webhook_message")
def deliver_webhook_message(message_id: int) -> str:
    """Post one Slack or Teams message; failures are retried by the tick, with backoff."""
    return webhooks.message_deliver(message_id=message_id)
