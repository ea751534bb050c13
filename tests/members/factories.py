"""Factories for the members app. Rows with a status go through the real services."""

import datetime

import factory
from django.contrib.auth import get_user_model

from demo.story import vietnamese_name
from members import services
from members.models import Cell, Chapter, Committee, Member, RoleAssignment

FOUNDED = datetime.date(2018, 5, 14)


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = get_user_model()
        django_get_or_create = ("username",)

    username = factory.Sequence(lambda n: f"user{n}")
    first_name = factory.Faker("first_name", locale="vi_VN")
    last_name = factory.Faker("last_name", locale="vi_VN")
    password = factory.django.Password("pw")


class CommitteeFactory(factory.django.DjangoModelFactory):
    """A committee at the top of the tree, or under ``parent=`` (treebeard computes the path)."""

    class Meta:
        model = Committee

    name = factory.Sequence(lambda n: f"Đảng ủy Khối {n}")
    short_code = "ĐUK"

    @classmethod
    def _create(cls, model_class, *args, parent=None, **kwargs):
        if parent is None:
            return model_class.add_root(**kwargs)
        return parent.add_child(**kwargs)


class ChapterFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Chapter

    committee = factory.SubFactory(CommitteeFactory)
    name = factory.Sequence(lambda n: f"Chi bộ {n}")
    founded_on = FOUNDED


class CellFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Cell

    chapter = factory.SubFactory(ChapterFactory)
    name = factory.Sequence(lambda n: f"Tổ đảng {n}")


def member_details(**overrides) -> dict:
    """Plausible register details for a member (Faker vi_VN names, seeded in conftest)."""
    from faker import Faker

    fake = Faker("vi_VN")
    gender = overrides.pop("gender", fake.random_element(["M", "F"]))
    name = vietnamese_name(fake, gender)
    details = {
        "full_name": name,
        "gender": gender,
        "date_of_birth": datetime.date(1980, 3, 15),
        "hometown": fake.province(),
        "occupation": "Chuyên viên",
        "workplace": "Ban Quản lý An toàn thực phẩm tỉnh",
        "admission_decision_date": datetime.date(2010, 1, 5),
        "ceremony_date": datetime.date(2010, 1, 20),
        "official_date": datetime.date(2011, 1, 20),
    }
    details.update(overrides)
    return details


def register_member(
    chapter=None,
    *,
    cell=None,
    status=Member.Status.OFFICIAL,
    effective_date=FOUNDED,
    actor=None,
    **details,
) -> Member:
    """An existing member put on the roll through ``member_register``."""
    if chapter is None:
        chapter = cell.chapter if cell else ChapterFactory()
    if status == Member.Status.PROBATIONARY:
        ceremony = details.pop("ceremony_date", effective_date - datetime.timedelta(days=30))
        details.setdefault("admission_decision_date", ceremony - datetime.timedelta(days=10))
        details.update(ceremony_date=ceremony, official_date=Member.official_date_for(ceremony))
    return services.member_register(
        chapter=chapter,
        cell=cell,
        actor=actor,
        effective_date=effective_date,
        status=status,
        details=member_details(**details),
    )


def give_role(user, role, **unit) -> RoleAssignment:
    return RoleAssignment.objects.create(user=user, role=role, start_date=FOUNDED, **unit)
