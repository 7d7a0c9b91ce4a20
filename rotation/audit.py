"""The rotation app's audit actions: the stored value (unchanged from the plain strings used before) and the
Chinese label the audit viewer shows. Registered in ``RotationConfig.ready()``."""
from __future__ import annotations

from django.db import models


class AuditAction(models.TextChoices):
    POLICY_CREATE = "rotation.policy.create", "建立轮岗交流口径"
    PLAN_CREATE = "rotation.plan.create", "新建轮岗交流方案"
    PLAN_UPDATE = "rotation.plan.update", "修改轮岗交流方案"
    PLAN_SUBMIT = "rotation.plan.submit", "提交轮岗交流方案"
    PLAN_APPROVE = "rotation.plan.approve", "批准轮岗交流方案"
    PLAN_RETURN = "rotation.plan.return", "退回轮岗交流方案"
    PLAN_EXECUTE = "rotation.plan.execute", "执行轮岗交流方案"
    MOVE_ADD = "rotation.move.add", "加入交流人员"
    MOVE_UPDATE = "rotation.move.update", "修改交流安排"
    MOVE_REMOVE = "rotation.move.remove", "移除交流人员"
    SUGGEST = "rotation.suggest", "测算交流建议"
    SUGGESTION_REJECT = "rotation.suggestion.reject", "不采纳交流建议"
    SECONDMENT_CREATE = "rotation.secondment.create", "登记挂职锻炼"
    SECONDMENT_UPDATE = "rotation.secondment.update", "修改挂职记录"
