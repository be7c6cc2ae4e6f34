from django.conf import settings
from django.urls import include, path
from django.views.generic import RedirectView
from drf_spectacular.views import SpectacularAPIView
from wagtail import urls as wagtail_urls
from wagtail.admin import urls as wagtailadmin_urls

api_v1 = [
    path("", include("huunghi.orgs.api.urls")),
    path("schema/", SpectacularAPIView.as_view(api_version="1"), name="api_schema"),
]

urlpatterns = [
    path("admin/", include(wagtailadmin_urls)),
    path("api/v1/", include((api_v1, "api"), namespace="v1")),
    path("", RedirectView.as_view(url="/admin/", permanent=False), name="home"),
]

if settings.DEBUG:
    from django.conf.urls.static import static

    urlpatterns += static(settings.MEDIA_URL, document_root=settings.MEDIA_ROOT)

urlpatterns += [path("pages/", include(wagtail_urls))]
