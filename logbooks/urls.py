app_name = "logbooks"

urlpatterns: list = []
