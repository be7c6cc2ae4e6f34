from rest_framework.routers import DefaultRouter

from .views import OrganizationAPIViewSet

router = DefaultRouter()
router.register("organizations", OrganizationAPIViewSet, basename="organization")
urlpatterns = router.urls
