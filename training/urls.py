from django.urls import path

from training.views import certificates, guidelines, manage, modules, programme, teams

app_name = "training"

urlpatterns = [
    path("", programme.programme, name="programme"),
    path(
        "guidelines/acknowledge/", guidelines.guidelines_acknowledge, name="guidelines_acknowledge"
    ),
    path("guidelines/versions/", guidelines.guideline_versions, name="guideline_versions"),
    path(
        "guidelines/versions/<int:number>/", guidelines.guideline_version, name="guideline_version"
    ),
    path("guidelines/compare/", guidelines.guideline_diff, name="guideline_diff"),
    path("caption-check/", programme.caption_check, name="caption_check"),
    path("training/", modules.modules, name="modules"),
    path("training/<int:pk>/", modules.module_detail, name="module"),
    path("training/<int:pk>/lessons/<int:lesson_pk>/", modules.lesson_detail, name="lesson"),
    path(
        "training/<int:pk>/lessons/<int:lesson_pk>/read/", modules.lesson_read, name="lesson_read"
    ),
    path("training/<int:pk>/quiz/", modules.quiz, name="quiz"),
    path("certificates/<str:code>/", certificates.certificate, name="certificate"),
    path("verify/", certificates.verify, name="verify_form"),
    path("verify/<str:code>/", certificates.verify, name="verify"),
    path("teams/", teams.team_status, name="team_status"),
    path("teams/<int:pk>/", teams.team_detail, name="team_detail"),
    # Admin pages
    path("manage/", manage.manage, name="manage"),
    path("manage/mission/", manage.manage_mission, name="manage_mission"),
    path("manage/guidelines/", manage.manage_guidelines, name="manage_guidelines"),
    path("manage/caption-rules/", manage.manage_caption_rules, name="manage_caption_rules"),
    path("manage/settings/", manage.manage_settings, name="manage_settings"),
    path("manage/modules/", manage.manage_modules, name="manage_modules"),
    path("manage/modules/new/", manage.manage_module, name="manage_module_new"),
    path("manage/modules/<int:pk>/", manage.manage_module, name="manage_module"),
    path(
        "manage/modules/<int:pk>/statistics/",
        manage.manage_module_stats,
        name="manage_module_stats",
    ),
    path(
        "manage/modules/<int:module_pk>/lessons/new/",
        manage.manage_lesson,
        name="manage_lesson_new",
    ),
    path(
        "manage/modules/<int:module_pk>/lessons/<int:pk>/",
        manage.manage_lesson,
        name="manage_lesson",
    ),
    path(
        "manage/modules/<int:module_pk>/questions/new/",
        manage.manage_question,
        name="manage_question_new",
    ),
    path(
        "manage/modules/<int:module_pk>/questions/<int:pk>/",
        manage.manage_question,
        name="manage_question",
    ),
    path(
        "manage/modules/<int:module_pk>/questions/<int:pk>/delete/",
        manage.manage_question_delete,
        name="manage_question_delete",
    ),
]
