from django.test import SimpleTestCase, TestCase

from huunghi.core.collation import person_sort_key, vietnamese_sort_key


class VietnameseOrderTests(SimpleTestCase):
    def sort(self, words):
        return sorted(words, key=vietnamese_sort_key)

    def test_letters_in_vietnamese_order(self):
        self.assertEqual(self.sort(["an", "ăn", "ân", "bê"]), ["an", "ăn", "ân", "bê"])
        self.assertEqual(self.sort(["đào", "dung", "em"]), ["dung", "đào", "em"])
        self.assertEqual(
            self.sort(["ơn", "ôm", "oanh", "ưng", "uyên"]), ["oanh", "ôm", "ơn", "uyên", "ưng"]
        )

    def test_tones_after_letters(self):
        # ngang, huyền, hỏi, ngã, sắc, nặng
        self.assertEqual(
            self.sort(["mạ", "má", "mã", "mả", "mà", "ma"]), ["ma", "mà", "mả", "mã", "má", "mạ"]
        )
        # a letter difference outranks any tone
        self.assertEqual(self.sort(["mạnh", "máy"]), ["mạnh", "máy"])

    def test_case_and_spacing_do_not_matter(self):
        self.assertEqual(vietnamese_sort_key("Đồng  Tháp"), vietnamese_sort_key("đồng tháp"))

    def test_keys_are_digits_so_every_collation_agrees(self):
        key = vietnamese_sort_key("Nguyễn Thị Ánh")
        self.assertTrue(key.isdigit())

    def test_people_by_given_then_middle_then_family_name(self):
        people = [
            ("Trần", "Văn", "Bình"),
            ("Nguyễn", "Thị", "An"),
            ("Lê", "Văn", "An"),
            ("Đỗ", "Thị", "Ánh"),
        ]
        ordered = sorted(people, key=lambda p: person_sort_key(*p))
        self.assertEqual(
            ordered,
            [
                ("Nguyễn", "Thị", "An"),
                ("Lê", "Văn", "An"),
                ("Đỗ", "Thị", "Ánh"),
                ("Trần", "Văn", "Bình"),
            ],
        )


class DatabaseOrderTests(TestCase):
    """ORDER BY the key gives Vietnamese order on the database itself (SQLite and PostgreSQL)."""

    def test_order_by_key_in_sql(self):
        from django.db import connection

        names = ["Ánh", "An", "Bình", "Đào", "Dung", "Ân", "Ăn", "Ưng", "Uyên"]
        rows = ", ".join(["(%s, %s)"] * len(names))
        params = [p for name in names for p in (vietnamese_sort_key(name), name)]
        with connection.cursor() as cursor:
            cursor.execute(
                f"SELECT column2 FROM (VALUES {rows}) AS t ORDER BY column1",  # noqa: S608
                params,
            )
            ordered = [row[0] for row in cursor.fetchall()]
        self.assertEqual(ordered, ["An", "Ánh", "Ăn", "Ân", "Bình", "Dung", "Đào", "Uyên", "Ưng"])
