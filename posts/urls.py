app_name = "posts"

urlpatterns: list = []
