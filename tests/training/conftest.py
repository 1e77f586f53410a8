import pytest

from training.models import PROGRAMME_ID, Programme


@pytest.fixture
def programme(db) -> Programme:
    """A programme with caption rules and the sharing gate on."""
    return Programme.objects.create(
        pk=PROGRAMME_ID,
        mission_en="We share what we are proud of.",
        mission_nb="Vi deler det vi er stolte av.",
        sharing_gate_enabled=True,
        disclosure_en="#employee",
        disclosure_nb="#ansatt",
        forbidden_phrases="confidential\nguaranteed returns\nsår",
        max_hashtags=2,
        max_links=1,
    )


@pytest.fixture(autouse=True)
def _english_by_default():
    """Requests leave their language active in the thread; service tests expect English."""
    from django.utils import translation

    with translation.override("en"):
        yield
