"""Wagtail's users list, sorted by default in Vietnamese name order (given name, then
middle and family name), from the stored ``UserSortKey``."""

from django.db.models import F
from wagtail.users.views import users


class UserIndexView(users.IndexView):
    default_ordering = "name"

    def get_base_queryset(self):
        return super().get_base_queryset().select_related("huunghi_sort_key")

    def order_queryset(self, queryset):
        key = F("huunghi_sort_key__key")
        if self.ordering == "name":
            return queryset.order_by(key.asc(nulls_last=True), "username")
        if self.ordering == "-name":
            return queryset.order_by(key.desc(nulls_last=True), "-username")
        return super().order_queryset(queryset)


class UserViewSet(users.UserViewSet):
    index_view_class = UserIndexView
    ordering = "name"
