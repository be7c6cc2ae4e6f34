from rest_framework import serializers

from huunghi.orgs.models import Organization


class OrganizationSerializer(serializers.ModelSerializer):
    parent = serializers.SerializerMethodField()

    class Meta:
        model = Organization
        fields = [
            "id",
            "code",
            "kind",
            "name_vi",
            "name_en",
            "short_name_vi",
            "valid_from",
            "valid_to",
            "depth",
            "parent",
            "is_confirmed",
        ]

    def get_parent(self, obj) -> str | None:
        if obj.depth <= 1:
            return None
        return self.context["parent_codes"].get(obj.path[: (obj.depth - 1) * obj.steplen])
