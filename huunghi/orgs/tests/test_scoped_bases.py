from django.test import TestCase

from huunghi.orgs.models import Attachment, Organization, Role
from huunghi.orgs.testing import ScopedAPITests, ScopedViewTests


class AttachmentViewTests(ScopedViewTests, TestCase):
    model = Attachment
    viewset_namespace = "attachments"


class OrganizationViewTests(ScopedViewTests, TestCase):
    model = Organization
    viewset_namespace = "organizations"


class RoleViewTests(ScopedViewTests, TestCase):
    model = Role
    role = "admin"
    viewset_namespace = "roles"


class OrganizationAPITests(ScopedAPITests, TestCase):
    model = Organization
    list_url_name = "v1:organization-list"
    detail_url_name = "v1:organization-detail"
