from rest_framework.routers import DefaultRouter

from . import api

router = DefaultRouter()
router.register("units", api.OrgUnitViewSet, basename="unit")
router.register("posts", api.PostViewSet, basename="post")
router.register("cadres", api.CadreViewSet, basename="cadre")

urlpatterns = router.urls
