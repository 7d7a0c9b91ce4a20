from rest_framework.routers import DefaultRouter

from . import views

router = DefaultRouter()
router.register("units", views.OrgUnitViewSet, basename="unit")
router.register("posts", views.PostViewSet, basename="post")
router.register("cadres", views.CadreViewSet, basename="cadre")

urlpatterns = router.urls
