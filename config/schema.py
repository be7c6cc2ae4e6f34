"""OpenAPI schema of our API only (``/api/``); Wagtail's internal admin API is not ours to publish."""


def only_platform_api(endpoints, **kwargs):
    return [endpoint for endpoint in endpoints if endpoint[0].startswith("/api/")]
