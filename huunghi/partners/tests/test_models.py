from django.test import TestCase

from huunghi.aid.tests.factories import make_activity
from huunghi.core.exceptions import DeleteRefused
from huunghi.partners.models import Partner
from huunghi.partners.tests.factories import PartnerFactory


class PartnerDeleteTests(TestCase):
    def test_a_donor_of_an_activity_cannot_go_to_the_trash(self):
        donor = PartnerFactory()
        make_activity(donors=[donor])
        with self.assertRaises(DeleteRefused):
            donor.delete()
        self.assertTrue(Partner.objects.filter(pk=donor.pk).exists())

    def test_an_unused_partner_goes_to_the_trash(self):
        partner = PartnerFactory()
        partner.delete()
        self.assertFalse(Partner.objects.filter(pk=partner.pk).exists())
