"""The data migrations into the translation columns keep every existing text, forwards and
backwards, on the real database."""

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

pytestmark = pytest.mark.django_db(transaction=True)


def _migrate(targets):
    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    executor.migrate(targets)
    executor.loader.build_graph()
    return executor.loader.project_state(targets).apps


def _to_latest():
    executor = MigrationExecutor(connection)
    executor.migrate(executor.loader.graph.leaf_nodes())


@pytest.fixture
def back_to_latest():
    yield
    _to_latest()


BEFORE_TRAINING = [("training", "0001_programme_guidelines_training")]
AFTER_TRAINING = [("training", "0003_translated_content_data")]


def test_training_texts_survive_the_migration_forwards_and_backwards(back_to_latest):
    apps = _migrate(BEFORE_TRAINING)
    Programme = apps.get_model("training", "Programme")
    GuidelineVersion = apps.get_model("training", "GuidelineVersion")
    Module = apps.get_model("training", "Module")
    Lesson = apps.get_model("training", "Lesson")
    Question = apps.get_model("training", "Question")
    Answer = apps.get_model("training", "Answer")
    Programme.objects.create(
        pk=1,
        mission_en="Why we share",
        mission_nb="Hvorfor vi deler",
        disclosure_en="#employee",
        disclosure_nb="#ansatt",
    )
    GuidelineVersion.objects.create(
        number=1,
        body_en="# Rules",
        body_nb="# Regler",
        change_summary="First rules",
        change_summary_nb="Første regler",
    )
    module = Module.objects.create(title="Basics", summary="Start here")
    Lesson.objects.create(module=module, title="Lesson one", body="Read this", image_alt="A map")
    question = Question.objects.create(module=module, text="Which?")
    Answer.objects.create(question=question, text="This one", is_correct=True)

    apps = _migrate(AFTER_TRAINING)
    programme = apps.get_model("training", "Programme").objects.get()
    assert (programme.mission_en, programme.mission_nb, programme.mission) == (
        "Why we share",
        "Hvorfor vi deler",
        "Why we share",
    )
    assert (programme.disclosure_en, programme.disclosure_nb) == ("#employee", "#ansatt")
    version = apps.get_model("training", "GuidelineVersion").objects.get()
    assert (version.body_en, version.body_nb, version.body) == ("# Rules", "# Regler", "# Rules")
    assert (version.change_summary_en, version.change_summary_nb) == (
        "First rules",
        "Første regler",
    )
    module = apps.get_model("training", "Module").objects.get()
    assert (module.title_en, module.summary_en, module.title_nb) == ("Basics", "Start here", None)
    lesson = apps.get_model("training", "Lesson").objects.get()
    assert (lesson.title_en, lesson.body_en, lesson.image_alt_en) == (
        "Lesson one",
        "Read this",
        "A map",
    )
    assert apps.get_model("training", "Question").objects.get().text_en == "Which?"
    assert apps.get_model("training", "Answer").objects.get().text_en == "This one"

    # An edit made after the migration survives the way back.
    apps.get_model("training", "Module").objects.update(title_en="Basics, revised")
    apps = _migrate(BEFORE_TRAINING)
    programme = apps.get_model("training", "Programme").objects.get()
    assert (programme.mission_en, programme.mission_nb) == ("Why we share", "Hvorfor vi deler")
    assert (programme.disclosure_en, programme.disclosure_nb) == ("#employee", "#ansatt")
    version = apps.get_model("training", "GuidelineVersion").objects.get()
    assert (version.body_en, version.body_nb) == ("# Rules", "# Regler")
    assert (version.change_summary, version.change_summary_nb) == ("First rules", "Første regler")
    module = apps.get_model("training", "Module").objects.get()
    assert (module.title, module.summary) == ("Basics, revised", "Start here")
    lesson = apps.get_model("training", "Lesson").objects.get()
    assert (lesson.title, lesson.body, lesson.image_alt) == ("Lesson one", "Read this", "A map")
    assert apps.get_model("training", "Answer").objects.get().text == "This one"


def test_library_texts_survive_the_migration_forwards_and_backwards(back_to_latest):
    before = [("posts", "0008_featured_announcement")]
    apps = _migrate(before)
    Topic = apps.get_model("posts", "Topic")
    ContentItem = apps.get_model("posts", "ContentItem")
    Topic.objects.create(name="Careers", slug="careers")
    ContentItem.objects.create(
        url="https://example.com/a", slug="a", title="We are hiring", summary="Join us"
    )

    apps = _migrate([("posts", "0010_translated_content_data")])
    assert apps.get_model("posts", "Topic").objects.get().name_en == "Careers"
    item = apps.get_model("posts", "ContentItem").objects.get()
    assert (item.title_en, item.summary_en, item.title_nb) == ("We are hiring", "Join us", None)

    apps.get_model("posts", "ContentItem").objects.update(title_en="", title_nb="Vi ansetter")
    apps = _migrate(before)
    item = apps.get_model("posts", "ContentItem").objects.get()
    assert (item.title, item.summary) == ("Vi ansetter", "Join us")
    assert apps.get_model("posts", "Topic").objects.get().name == "Careers"


def test_team_names_survive_the_migration_forwards_and_backwards(back_to_latest):
    before = [("accounts", "0006_notifications_reminders_webhooks")]
    apps = _migrate(before)
    apps.get_model("accounts", "Team").objects.create(name="Sales", slug="sales")

    apps = _migrate([("accounts", "0008_team_name_translations_data")])
    team = apps.get_model("accounts", "Team").objects.get()
    assert (team.name_en, team.name_nb) == ("Sales", None)

    apps = _migrate(before)
    assert apps.get_model("accounts", "Team").objects.get().name == "Sales"
