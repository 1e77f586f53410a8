from django.urls import path

from training import manage_views, views

app_name = "training"

urlpatterns = [
    path("", views.programme, name="programme"),
    path("guidelines/acknowledge/", views.guidelines_acknowledge, name="guidelines_acknowledge"),
    path("guidelines/versions/", views.guideline_versions, name="guideline_versions"),
    path("guidelines/versions/<int:number>/", views.guideline_version, name="guideline_version"),
    path("guidelines/compare/", views.guideline_diff, name="guideline_diff"),
    path("caption-check/", views.caption_check, name="caption_check"),
    path("training/", views.modules, name="modules"),
    path("training/<int:pk>/", views.module_detail, name="module"),
    path("training/<int:pk>/lessons/<int:lesson_pk>/", views.lesson_detail, name="lesson"),
    path("training/<int:pk>/lessons/<int:lesson_pk>/read/", views.lesson_read, name="lesson_read"),
    path("training/<int:pk>/quiz/", views.quiz, name="quiz"),
    path("certificates/<str:code>/", views.certificate, name="certificate"),
    path("verify/", views.verify, name="verify_form"),
    path("verify/<str:code>/", views.verify, name="verify"),
    path("teams/", views.team_status, name="team_status"),
    path("teams/<int:pk>/", views.team_detail, name="team_detail"),
    # Admin pages
    path("manage/", manage_views.manage, name="manage"),
    path("manage/mission/", manage_views.manage_mission, name="manage_mission"),
    path("manage/guidelines/", manage_views.manage_guidelines, name="manage_guidelines"),
    path("manage/caption-rules/", manage_views.manage_caption_rules, name="manage_caption_rules"),
    path("manage/settings/", manage_views.manage_settings, name="manage_settings"),
    path("manage/modules/", manage_views.manage_modules, name="manage_modules"),
    path("manage/modules/new/", manage_views.manage_module, name="manage_module_new"),
    path("manage/modules/<int:pk>/", manage_views.manage_module, name="manage_module"),
    path(
        "manage/modules/<int:pk>/statistics/",
        manage_views.manage_module_stats,
        name="manage_module_stats",
    ),
    path(
        "manage/modules/<int:module_pk>/lessons/new/",
        manage_views.manage_lesson,
        name="manage_lesson_new",
    ),
    path(
        "manage/modules/<int:module_pk>/lessons/<int:pk>/",
        manage_views.manage_lesson,
        name="manage_lesson",
    ),
    path(
        "manage/modules/<int:module_pk>/questions/new/",
        manage_views.manage_question,
        name="manage_question_new",
    ),
    path(
        "manage/modules/<int:module_pk>/questions/<int:pk>/",
        manage_views.manage_question,
        name="manage_question",
    ),
    path(
        "manage/modules/<int:module_pk>/questions/<int:pk>/delete/",
        manage_views.manage_question_delete,
        name="manage_question_delete",
    ),
]
