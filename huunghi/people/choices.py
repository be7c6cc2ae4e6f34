from django.db import models
from django.utils.translation import gettext_lazy as _


class Gender(models.TextChoices):
    FEMALE = "female", _("Female")
    MALE = "male", _("Male")
    OTHER = "other", _("Other")


class ConsentState(models.TextChoices):
    NONE = "none", _("Not recorded")
    GIVEN = "given", _("Given")
    WITHDRAWN = "withdrawn", _("Withdrawn")


class ConsentPurpose(models.TextChoices):
    MEMBERSHIP = "membership", _("Membership management")
    COMMUNICATION = "communication", _("News and invitations")
    PUBLICATION = "publication", _("Publishing names and photos")
    PARTNERS = "partners", _("Sharing with partners of the programme")
    STATISTICS = "statistics", _("Statistics and reports")


class ConsentMethod(models.TextChoices):
    WRITTEN = "written", _("Signed form")
    ELECTRONIC = "electronic", _("Electronic form")
    RECORDED = "recorded", _("Recorded statement")


#: the 54 ethnic groups of Viet Nam (General Statistics Office list), in its order
ETHNIC_GROUPS = [
    "Kinh", "Tày", "Thái", "Mường", "Khmer", "Hoa", "Nùng", "Mông", "Dao", "Gia Rai",
    "Ngái", "Ê Đê", "Ba Na", "Xơ Đăng", "Sán Chay", "Cơ Ho", "Chăm", "Sán Dìu", "Hrê",
    "Mnông", "Ra Glai", "Xtiêng", "Bru-Vân Kiều", "Thổ", "Giáy", "Cơ Tu", "Gié Triêng",
    "Mạ", "Khơ Mú", "Co", "Tà Ôi", "Chơ Ro", "Kháng", "Xinh Mun", "Hà Nhì", "Chu Ru", "Lào",
    "La Chí", "La Ha", "Phù Lá", "La Hủ", "Lự", "Lô Lô", "Chứt", "Mảng", "Pà Thẻn",
    "Cơ Lao", "Cống", "Bố Y", "Si La", "Pu Péo", "Brâu", "Ơ Đu", "Rơ Măm",
]  # fmt: skip
FOREIGN_ETHNICITY = "Người nước ngoài"
ETHNICITY_CHOICES = [(name, name) for name in [*ETHNIC_GROUPS, FOREIGN_ETHNICITY]]
