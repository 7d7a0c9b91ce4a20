"""The cadre app's audit actions: the stored value (unchanged from the plain strings used before) and the
Chinese label the audit viewer shows. Registered in ``CadreConfig.ready()``."""
from __future__ import annotations

from django.db import models


class AuditAction(models.TextChoices):
    UNIT_CREATE = "unit.create", "新建单位"
    UNIT_UPDATE = "unit.update", "修改单位"
    UNIT_DELETE = "unit.delete", "删除单位"
    POST_CREATE = "post.create", "新建职位"
    POST_UPDATE = "post.update", "修改职位"
    POST_DELETE = "post.delete", "删除职位"
    CADRE_CREATE = "cadre.create", "新建干部档案"
    CADRE_UPDATE = "cadre.update", "修改干部档案"
    CADRE_RECORDS_UPDATE = "cadre.records_update", "修改学历、考核、家庭成员、奖惩"
    CADRE_PHOTO_SET = "cadre.photo_set", "更换干部照片"
    CADRE_POST_HISTORY_REPLACE = "cadre.post_history_replace", "修改干部简历（任职经历）"
    CADRE_IMPORT_ROSTER = "cadre.import_roster", "导入干部花名册"
    CADRE_EXPORT_ROSTER = "cadre.export_roster", "导出干部花名册"
    ID_NUMBERS_READ = "cadre.id_numbers_read", "通过接口读取完整身份证号"
    DEMO_SEED = "demo.seed", "生成演示数据"
    # family links (cadre.services.family)
    FAMILY_LINKS_REFRESH = "cadre.family_links_refresh", "自动关联家庭成员与干部档案"
    FAMILY_LINK_CONFIRM = "cadre.family_link_confirm", "确认家庭成员关联"
    FAMILY_LINK_REJECT = "cadre.family_link_reject", "否定家庭成员关联"
    # 任职资格 (cadre.eligibility.services)
    ELIGIBILITY_RULESET_SAVE = "eligibility.ruleset.save", "修改任职资格规则"
    ELIGIBILITY_RULESET_RESET = "eligibility.ruleset.reset", "恢复任职资格规则"
    ELIGIBILITY_WAIVER_GRANT = "eligibility.waiver.grant", "批准放宽任职资格条件"
    ELIGIBILITY_WAIVER_REVOKE = "eligibility.waiver.revoke", "撤销放宽任职资格条件"
    ELIGIBILITY_MANUAL_CHECK_RECORD = "eligibility.manual_check.record", "记录任职资格人工审核"
    ELIGIBILITY_MANUAL_CHECK_DELETE = "eligibility.manual_check.delete", "撤销任职资格人工审核"
    # the back office (cadre.admin.AuditedAdmin): one create/update/delete per records model, labelled as
    # core.audit.admin_action_label labels every admin action
    ADMIN_ORGUNIT_CREATE = "admin.orgunit.create", "后台新增：单位"
    ADMIN_ORGUNIT_UPDATE = "admin.orgunit.update", "后台修改：单位"
    ADMIN_ORGUNIT_DELETE = "admin.orgunit.delete", "后台删除：单位"
    ADMIN_POST_CREATE = "admin.post.create", "后台新增：职位"
    ADMIN_POST_UPDATE = "admin.post.update", "后台修改：职位"
    ADMIN_POST_DELETE = "admin.post.delete", "后台删除：职位"
    ADMIN_CADRE_CREATE = "admin.cadre.create", "后台新增：干部"
    ADMIN_CADRE_UPDATE = "admin.cadre.update", "后台修改：干部"
    ADMIN_CADRE_DELETE = "admin.cadre.delete", "后台删除：干部"
    ADMIN_EDUCATIONRECORD_CREATE = "admin.educationrecord.create", "后台新增：学历学位"
    ADMIN_EDUCATIONRECORD_UPDATE = "admin.educationrecord.update", "后台修改：学历学位"
    ADMIN_EDUCATIONRECORD_DELETE = "admin.educationrecord.delete", "后台删除：学历学位"
    ADMIN_POSTHISTORY_CREATE = "admin.posthistory.create", "后台新增：任职经历"
    ADMIN_POSTHISTORY_UPDATE = "admin.posthistory.update", "后台修改：任职经历"
    ADMIN_POSTHISTORY_DELETE = "admin.posthistory.delete", "后台删除：任职经历"
    ADMIN_RANKHISTORY_CREATE = "admin.rankhistory.create", "后台新增：职务层次经历"
    ADMIN_RANKHISTORY_UPDATE = "admin.rankhistory.update", "后台修改：职务层次经历"
    ADMIN_RANKHISTORY_DELETE = "admin.rankhistory.delete", "后台删除：职务层次经历"
    ADMIN_ANNUALASSESSMENT_CREATE = "admin.annualassessment.create", "后台新增：年度考核"
    ADMIN_ANNUALASSESSMENT_UPDATE = "admin.annualassessment.update", "后台修改：年度考核"
    ADMIN_ANNUALASSESSMENT_DELETE = "admin.annualassessment.delete", "后台删除：年度考核"
    ADMIN_REWARDPUNISHMENT_CREATE = "admin.rewardpunishment.create", "后台新增：奖惩情况"
    ADMIN_REWARDPUNISHMENT_UPDATE = "admin.rewardpunishment.update", "后台修改：奖惩情况"
    ADMIN_REWARDPUNISHMENT_DELETE = "admin.rewardpunishment.delete", "后台删除：奖惩情况"
    ADMIN_FAMILYMEMBER_CREATE = "admin.familymember.create", "后台新增：家庭成员"
    ADMIN_FAMILYMEMBER_UPDATE = "admin.familymember.update", "后台修改：家庭成员"
    ADMIN_FAMILYMEMBER_DELETE = "admin.familymember.delete", "后台删除：家庭成员"


def admin_action(model_name: str, verb: str) -> AuditAction:
    """The back-office action for a records model (``"cadre"``) and a verb (create/update/delete); a model
    given an AuditedAdmin needs its three members above (ValueError otherwise)."""
    return AuditAction(f"admin.{model_name}.{verb}")
