"""Document numbers per chapter, kind and year: consecutive, never two alike, no gap left by a
generation that fails (issue 13: numbering has no gaps under two concurrent generations)."""

import threading

import pytest
from django.db import connection, transaction

from documents.models import NumberSequence
from documents.numbering import next_number
from tests.members.factories import ChapterFactory


@pytest.mark.django_db
def test_numbers_run_per_kind_and_year():
    chapter = ChapterFactory()
    with transaction.atomic():
        assert [next_number(chapter, "NQ", 2020) for _ in range(3)] == [1, 2, 3]
        assert next_number(chapter, "BB", 2020) == 1
        assert next_number(chapter, "NQ", 2021) == 1
        assert next_number(ChapterFactory(), "NQ", 2020) == 1


@pytest.mark.django_db
def test_a_failed_generation_gives_its_number_back():
    chapter = ChapterFactory()
    with transaction.atomic():
        next_number(chapter, "NQ", 2020)
    with pytest.raises(RuntimeError), transaction.atomic():
        next_number(chapter, "NQ", 2020)
        raise RuntimeError("the PDF could not be made")
    with transaction.atomic():
        assert next_number(chapter, "NQ", 2020) == 2


@pytest.mark.django_db(transaction=True)
def test_outside_a_transaction_is_refused():
    with pytest.raises(RuntimeError, match="inside the transaction"):
        next_number(ChapterFactory(), "NQ", 2020)


@pytest.mark.django_db(transaction=True)
def test_two_secretaries_at_once_get_consecutive_numbers():
    if connection.vendor == "sqlite" and connection.is_in_memory_db():
        pytest.skip("concurrent writers need PostgreSQL or a file-based SQLite test database")
    chapter = ChapterFactory()
    barrier = threading.Barrier(4)
    numbers, errors = [], []

    def generate():
        try:
            barrier.wait(timeout=10)
            with transaction.atomic():
                numbers.append(next_number(chapter, "NQ", 2020))
        except Exception as error:  # the assertion below shows it
            errors.append(error)
        finally:
            connection.close()

    threads = [threading.Thread(target=generate) for _ in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert not errors
    assert sorted(numbers) == [1, 2, 3, 4]
    assert NumberSequence.objects.get(chapter=chapter, symbol="NQ", year=2020).last == 4
