import datetime

import factory

from huunghi.orgs.tests.factories import national_root
from huunghi.people.choices import ConsentMethod, ConsentPurpose, Gender
from huunghi.people.models import Consent, Person


class PersonFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Person

    organization = factory.LazyFunction(national_root)
    family_name = factory.Faker("last_name", locale="vi_VN")
    middle_name = factory.Faker("middle_name", locale="vi_VN")
    given_name = factory.Faker("first_name", locale="vi_VN")
    gender = factory.Iterator([Gender.FEMALE, Gender.MALE])
    date_of_birth = factory.Faker("date_of_birth", minimum_age=18, maximum_age=85)
    phone = factory.Sequence(lambda n: f"09{n:08d}")


class ConsentFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Consent

    person = factory.SubFactory(PersonFactory)
    purposes = factory.LazyFunction(lambda: [ConsentPurpose.MEMBERSHIP])
    given_on = datetime.date(2025, 3, 1)
    method = ConsentMethod.WRITTEN
