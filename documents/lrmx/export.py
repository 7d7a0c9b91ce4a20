"""Export: a cadre's records as an LRMX document."""
from __future__ import annotations

import base64
import datetime as dt
import io
import xml.etree.ElementTree as ET

from django.utils import timezone
from PIL import Image

from cadre.models import Cadre

from .. import person_text
from ..selectors import photo_bytes
from .fields import FIELDS, MODES, VERSION
from .values import education_text


def person_values(cadre: Cadre, *, proposal: dict | None = None, today: dt.date | None = None, filled_by: str = "") -> dict:
    proposal = proposal or {}
    today = today or timezone.localdate()
    educations = {e.mode: e for e in cadre.educations.all()}
    values = {
        "XingMing": cadre.name,
        "XingBie": cadre.gender,
        "ChuShengNianYue": f"{cadre.birth_date:%Y%m}",
        "MinZu": cadre.ethnicity_name,
        "JiGuan": cadre.native_place,
        "ChuShengDi": cadre.birthplace,
        "RuDangShiJian": person_text.party_text(cadre.political_status, cadre.party_join_date),
        "CanJiaGongZuoShiJian": person_text.compact_date(cadre.work_start_date),
        "JianKangZhuangKuang": cadre.health,
        "ZhuanYeJiShuZhiWu": cadre.professional_title,
        "ShuXiZhuanYeYouHeZhuanChang": cadre.expertise,
        "XianRenZhiWu": cadre.current_job,
        "NiRenZhiWu": proposal.get("proposed", ""),
        "NiMianZhiWu": proposal.get("removed", ""),
        "JianLi": person_text.resume_text(cadre.post_history.all()),
        "JiangChengQingKuang": person_text.rewards_text(cadre.rewards_punishments.all()),
        "NianDuKaoHeJieGuo": person_text.assessments_text(cadre.assessments.all()),
        "RenMianLiYou": proposal.get("reason", ""),
        "ChengBaoDanWei": proposal.get("reporting_unit", ""),
        "JiSuanNianLingShiJian": f"{today:%Y%m%d}",
        "TianBiaoShiJian": f"{today:%Y%m%d}",
        "TianBiaoRen": filled_by,
        "ShenFenZheng": cadre.id_number,
        "ZhaoPian": _photo_base64(cadre),
    }
    for mode, prefix in MODES.items():
        edu = educations.get(mode)
        school = edu.school_and_major if edu else ""
        values[f"{prefix}_XueLi"] = education_text(edu.level, edu.party_school, edu.level_text) if edu else ""
        values[f"{prefix}_XueWei"] = edu.degree if edu else ""
        values[f"{prefix}_XueLi_BiYeYuanXiaoXi"] = school
        values[f"{prefix}_XueWei_BiYeYuanXiaoXi"] = school if edu and edu.degree else ""
    return values


def _photo_base64(cadre: Cadre) -> str:
    data = photo_bytes(cadre)
    if not data:
        return ""
    if data[:3] != b"\xff\xd8\xff":  # not a JPEG: convert (LRMX carries JPEG only)
        try:
            with Image.open(io.BytesIO(data)) as img:
                out = io.BytesIO()
                img.convert("RGB").save(out, format="JPEG", quality=90)
                data = out.getvalue()
        except (OSError, ValueError):  # a damaged or unknown image file: the form goes out without the photo
            return ""
    return base64.b64encode(data).decode("ascii")


def export_person(cadre: Cadre, *, actor=None, proposal: dict | None = None, today: dt.date | None = None) -> bytes:
    """The cadre as an LRMX document (UTF-8 bytes with an XML declaration)."""
    cadre = Cadre.objects.select_related("unit").prefetch_related(
        "educations", "post_history", "assessments", "rewards_punishments", "family"
    ).get(pk=cadre.pk)
    filled_by = (actor.get_full_name() or actor.username) if getattr(actor, "is_authenticated", False) else ""
    values = person_values(cadre, proposal=proposal, today=today, filled_by=filled_by)
    root = ET.Element("Person")
    for name in FIELDS:
        ET.SubElement(root, name).text = values[name]
    family = ET.SubElement(root, "JiaTingChengYuan")
    for member in cadre.family.all():
        item = ET.SubElement(family, "Item")
        for name, value in (
            ("ChengWei", member.relation),
            ("XingMing", member.name),
            ("ChuShengRiQi", person_text.compact_date(member.birth_date)),
            ("ZhengZhiMianMao", member.political_status),
            ("GongZuoDanWeiJiZhiWu", member.work_unit_and_post),
        ):
            ET.SubElement(item, name).text = value
    ET.SubElement(root, "Version").text = VERSION
    ET.indent(root, space="  ")
    return ET.tostring(root, encoding="utf-8", xml_declaration=True)
