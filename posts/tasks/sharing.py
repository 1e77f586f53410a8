"""Celery tasks of the sharing area of posts: thin wrappers over one service call each."""

from celery import shared_task

from posts.services import sharing


@shared_task(name="posts.flush_clicks")
def flush_clicks() -> int:
    return sharing.clicks_flush()


@shared_task(name="posts.rotate_click_salts")
def rotate_click_salts() -> int:
    return sharing.click_salts_rotate()


@shared_task(name="posts.purge_clicks")
def purge_clicks() -> int:
    return sharing.clicks_purge()
