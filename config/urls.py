from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.urls import include, path
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerSplitView

from core import views as core_views
from core.views import account as account_views
from core.views import jobs as job_views

admin.site.site_header = "干部轮岗交流与竞争上岗系统"
admin.site.site_title = "干部系统管理"
admin.site.index_title = "数据管理"

urlpatterns = [
    path("", core_views.home, name="home"),
    path("accounts/login/", auth_views.LoginView.as_view(), name="login"),
    path("accounts/logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("accounts/password/", account_views.password_change_view, name="password_change"),
    path("accounts/password/done/", account_views.password_change_done_view, name="password_change_done"),
    path("jobs/<int:pk>/", core_views.job_status, name="job-status"),
    path("jobs/<int:pk>/retry/", job_views.job_retry_view, name="job-retry"),
    path("audit/", core_views.audit_log, name="audit-log"),
    path("cadre/", include("cadre.urls")),
    path("rotation/", include("rotation.urls")),
    path("documents/", include("documents.urls")),
    path("eligibility/", include("cadre.eligibility.urls")),
    path("assessment/", include("assessment.urls")),
    path("selection/", include("selection.urls")),
    path("selection/", include("selection.urls.export")),
    path("api/", include("config.api_urls")),
    path("api/schema/", SpectacularAPIView.as_view(), name="schema"),
    path("api/docs/", SpectacularSwaggerSplitView.as_view(url_name="schema"), name="swagger-ui"),
    path("admin/", admin.site.urls),
]

# No route serves MEDIA_ROOT as a folder, in any mode: every uploaded or generated file is read through a view
# that checks the same permission as its page (docs/security.md "Media").
