"""The share flow with the real training gate and caption rules (training.selectors)."""

import html

import pytest
from django.urls import reverse

from ambassador.networks import Network
from posts.models import Share
from tests.posts.factories import ContentItemFactory
from tests.training.factories import GuidelineVersionFactory, answers_for, quiz_module
from training import services as training_services
from training.models import PROGRAMME_ID, Programme

pytestmark = pytest.mark.django_db


@pytest.fixture
def rules():
    """Caption rules without the gate: a disclosure and a forbidden phrase."""
    return Programme.objects.create(
        pk=PROGRAMME_ID,
        sharing_gate_enabled=False,
        disclosure_en="#employee",
        disclosure_nb="#ansatt",
        forbidden_phrases="confidential",
    )


@pytest.fixture
def closed_gate():
    """The gate on, a published guideline version and a required module nobody has done."""
    Programme.objects.create(pk=PROGRAMME_ID, sharing_gate_enabled=True)
    GuidelineVersionFactory(number=1)
    return quiz_module(title="Rules of the road", is_required=True)


def _submit(client, item, **data):
    return client.post(reverse("posts:share_submit", args=[item.pk]), data)


def _page(response) -> str:
    return html.unescape(response.content.decode())


def test_share_page_gate_closed_shows_missing_steps_as_links(client, personas, closed_gate):
    item = ContentItemFactory()
    client.force_login(personas.employee)
    page = _page(client.get(reverse("posts:share", args=[item.pk])))
    module_url = reverse("training:module", args=[closed_gate.pk])
    assert '<a href="/programme/#guidelines">Read and acknowledge the posting guidelines</a>' in (
        page
    )
    assert f'<a href="{module_url}">Complete the required module “Rules of the road”</a>' in page
    assert reverse("posts:share_submit", args=[item.pk]) not in page


def test_share_submit_gate_closed_records_no_share(client, personas, closed_gate):
    item = ContentItemFactory()
    client.force_login(personas.employee)
    response = _submit(client, item, network=Network.X, caption="Hi", action="intent")
    assert response.status_code == 403
    assert "Read and acknowledge the posting guidelines" in _page(response)
    assert Share.objects.count() == 0


def test_share_submit_gate_acknowledged_but_module_open_records_no_share(
    client, personas, closed_gate
):
    item = ContentItemFactory()
    training_services.guidelines_acknowledge(user=personas.employee)
    client.force_login(personas.employee)
    response = _submit(client, item, network=Network.X, caption="Hi", action="intent")
    assert response.status_code == 403
    assert "Read and acknowledge the posting guidelines" not in _page(response)
    assert "Complete the required module “Rules of the road”" in _page(response)
    assert Share.objects.count() == 0


def test_share_submit_after_every_gate_step_records_share(client, personas, closed_gate):
    item = ContentItemFactory()
    training_services.guidelines_acknowledge(user=personas.employee)
    training_services.quiz_submit(
        user=personas.employee, module=closed_gate, chosen=answers_for(closed_gate, correct=True)
    )
    client.force_login(personas.employee)
    response = _submit(client, item, network=Network.X, caption="Hi", action="intent")
    assert response.status_code == 302
    assert Share.objects.filter(user=personas.employee, item=item).count() == 1


def test_share_submit_forbidden_phrase_records_no_share_and_explains(client, personas, rules):
    item = ContentItemFactory()
    client.force_login(personas.employee)
    response = _submit(
        client, item, network=Network.X, caption="A confidential preview", action="intent"
    )
    assert response.status_code == 400
    assert Share.objects.count() == 0
    assert [v.rule for v in response.context["violations"]] == ["FORBIDDEN"]
    assert (
        '<ul class="errorlist caption-violations">\n      '
        "<li>“confidential” is on the list of words and phrases not to use.</li>"
    ) in _page(response)


def test_share_submit_disclosure_over_limit_records_no_share_and_explains(client, personas, rules):
    item = ContentItemFactory()
    client.force_login(personas.employee)
    response = _submit(client, item, network=Network.X, caption="x" * 275, action="intent")
    assert response.status_code == 400
    assert Share.objects.count() == 0
    page = _page(response)
    assert (
        "With the disclosure “#employee” and the tracked link added, the caption is 310 "
        "characters; X allows 280. Shorten it by 30."
    ) in page
    assert "310 of 280 characters, the tracked link included" in page


def test_share_submit_violation_is_explained_in_norwegian(client, personas, rules):
    personas.employee.language = "nb"
    personas.employee.save()
    item = ContentItemFactory()
    client.force_login(personas.employee)
    response = _submit(client, item, network=Network.X, caption="Noe confidential", action="intent")
    assert "«confidential» står på listen over ord og uttrykk som ikke skal brukes." in (
        _page(response)
    )
    assert Share.objects.count() == 0


def test_share_submit_stores_caption_with_disclosure(client, personas, rules):
    item = ContentItemFactory()
    client.force_login(personas.employee)
    _submit(client, item, network=Network.X, caption="Proud of this", action="intent")
    assert Share.objects.get().caption == "Proud of this\n\n#employee"


def test_share_check_counts_caption_with_disclosure(client, personas, rules):
    item = ContentItemFactory()
    client.force_login(personas.employee)
    response = client.post(
        reverse("posts:share_check", args=[item.pk]), {"network": Network.X, "caption": "Hi"}
    )
    # 2 + "\n\n#employee" (11) + " " + 23 for the tracked link.
    assert "37 of 280 characters, the tracked link included" in response.content.decode()
