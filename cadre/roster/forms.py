"""Forms of the roster Excel pages: the upload (size, type and "really an xlsx" checks)."""
from __future__ import annotations

from django import forms
from django.conf import settings
from django.template.defaultfilters import filesizeformat

from core.exceptions import ApplicationError
from core.uploads import check_xlsx

from .reading import check_upload


class RosterUploadForm(forms.Form):
    file = forms.FileField(
        label="花名册文件",
        help_text="Excel（.xlsx）文件，工作表“干部名册”，表头含姓名、性别、身份证号、出生年月等列。",
        widget=forms.ClearableFileInput(attrs={"accept": ".xlsx", "class": "form-control"}),
    )

    def clean_file(self):
        upload = self.cleaned_data["file"]
        limit = settings.ROSTER_UPLOAD_MAX_BYTES
        if upload.size > limit:
            raise forms.ValidationError(
                f"文件过大（{filesizeformat(upload.size)}），不能超过{filesizeformat(limit)}"
            )
        if not upload.name.lower().endswith(".xlsx"):
            raise forms.ValidationError("请上传Excel（.xlsx）文件；.xls 或 .csv 请先在Excel中另存为.xlsx")
        try:
            measure = check_xlsx(upload, limit=limit, what="花名册文件")
        except ApplicationError as exc:
            raise forms.ValidationError(exc.message) from None
        try:
            self.measure = check_upload(upload, measure)
            self.estimated_rows = max(0, measure.rows - 2)  # counted <row>s, less a title and a header row
        except ApplicationError as exc:
            if exc.message.startswith("文件无法作为Excel"):  # the parser's exception name means nothing to a user
                raise forms.ValidationError("文件无法作为Excel（.xlsx）打开，可能已损坏。请在Excel中打开后另存为.xlsx再上传。") from None
            raise forms.ValidationError(exc.message) from None
        upload.seek(0)
        return upload
