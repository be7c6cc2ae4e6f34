"""The starting reference data of aid: sectors (from data/sectors.csv, with DAC codes), the
forms of aid, beneficiary groups, and the review workflow of aid activities."""

import csv
from pathlib import Path

from django.db import migrations

FORMS = [
    ("programme", "programme", "Chương trình", "Programme", "Nghị định 313/2025/NĐ-CP", 20),
    ("project", "project", "Dự án", "Project", "Nghị định 313/2025/NĐ-CP", 20),
    ("non_project", "non_project", "Phi dự án", "Non-project aid", "Nghị định 313/2025/NĐ-CP", 20),
    ("emergency", "emergency", "Cứu trợ khẩn cấp", "Emergency relief", "Nghị định 50/2020/NĐ-CP", 3),
]

GROUPS = [
    ("children", "Trẻ em", "Children"),
    ("elderly_alone", "Người cao tuổi neo đơn", "Elderly people living alone"),
    ("ethnic_minorities", "Đồng bào dân tộc thiểu số", "Ethnic minorities"),
    ("poor_remote", "Hộ nghèo vùng sâu, vùng xa", "Poor households in remote areas"),
    ("disabilities", "Người khuyết tật", "People with disabilities"),
    ("women", "Phụ nữ", "Women"),
    ("dioxin_victims", "Nạn nhân chất độc da cam/dioxin", "Agent Orange/dioxin victims"),
    ("students", "Học sinh, sinh viên", "Pupils and students"),
    ("patients", "Người bệnh", "Patients"),
    ("disaster_affected", "Người dân vùng thiên tai", "People hit by disasters"),
]

WORKFLOW_NAME = "Thẩm định khoản viện trợ"


def load(apps, schema_editor):
    Sector = apps.get_model("aid", "Sector")
    AidForm = apps.get_model("aid", "AidForm")
    BeneficiaryGroup = apps.get_model("aid", "BeneficiaryGroup")
    path = Path(__file__).resolve().parent.parent / "data" / "sectors.csv"
    with path.open(encoding="utf-8") as fh:
        for row in csv.DictReader(fh):
            Sector.objects.get_or_create(
                code=row["code"],
                defaults={
                    "name_vi": row["name_vi"],
                    "name_en": row["name_en"],
                    "dac_codes": row["dac_codes"],
                    "search_text": "",
                },
            )
    for code, kind, name_vi, name_en, basis, days in FORMS:
        AidForm.objects.get_or_create(
            code=code,
            defaults={
                "kind": kind,
                "name_vi": name_vi,
                "name_en": name_en,
                "legal_basis": basis,
                "appraisal_days": days,
            },
        )
    for code, name_vi, name_en in GROUPS:
        BeneficiaryGroup.objects.get_or_create(
            code=code, defaults={"name_vi": name_vi, "name_en": name_en}
        )
    # search_text is filled by save(); historical models have no save logic, so fill it here.
    from huunghi.core.text import normalise

    for model, fields in (
        (Sector, ("code", "name_vi", "name_en", "dac_codes")),
        (AidForm, ("code", "name_vi", "name_en")),
        (BeneficiaryGroup, ("code", "name_vi", "name_en")),
    ):
        for obj in model.objects.all():
            obj.search_text = normalise(" ".join(str(getattr(obj, f) or "") for f in fields))
            obj.save(update_fields=["search_text"])

    Workflow = apps.get_model("wagtailcore", "Workflow")
    WorkflowTask = apps.get_model("wagtailcore", "WorkflowTask")
    WorkflowContentType = apps.get_model("wagtailcore", "WorkflowContentType")
    OrgApprovalTask = apps.get_model("orgs", "OrgApprovalTask")
    ContentType = apps.get_model("contenttypes", "ContentType")
    task_ct, _ = ContentType.objects.get_or_create(app_label="orgs", model="orgapprovaltask")
    activity_ct, _ = ContentType.objects.get_or_create(app_label="aid", model="aidactivity")
    task = OrgApprovalTask.objects.create(
        name="Phê duyệt ý kiến của Liên hiệp", active=True, content_type=task_ct
    )
    workflow = Workflow.objects.create(name=WORKFLOW_NAME, active=True)
    WorkflowTask.objects.create(workflow=workflow, task=task, sort_order=0)
    WorkflowContentType.objects.get_or_create(
        content_type=activity_ct, defaults={"workflow": workflow}
    )


class Migration(migrations.Migration):
    dependencies = [
        ("aid", "0002_activity_links"),
        ("orgs", "0009_org_approval_task"),
        ("wagtailcore", "0001_initial"),
        ("contenttypes", "0002_remove_content_type_name"),
    ]

    operations = [migrations.RunPython(load, migrations.RunPython.noop)]
