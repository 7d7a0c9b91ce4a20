from django.conf import settings
from django.conf.urls.static import static
from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.urls import include, path
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerSplitView

from core import views as core_views

admin.site.site_header = "干部轮岗交流与竞争上岗系统"
admin.site.site_title = "干部系统管理"
admin.site.index_title = "数据管理"

urlpatterns = [
    path("", core_views.home, name="home"),
    path("accounts/login/", auth_views.LoginView.as_view(), name="login"),
    path("accounts/logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("jobs/<int:pk>/", core_views.job_status, name="job-status"),
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

if settings.DEBUG:
    urlpatterns += static(settings.MEDIA_URL, document_root=settings.MEDIA_ROOT)
