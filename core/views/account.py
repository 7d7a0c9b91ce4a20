"""The password change page (Django's view and form; the write through core.accounts, audited)."""
from django.contrib import messages
from django.contrib.auth import views as auth_views
from django.shortcuts import redirect
from django.urls import reverse_lazy

from ..accounts import password_change


class PasswordChange(auth_views.PasswordChangeView):
    template_name = "registration/password_change_form.html"
    success_url = reverse_lazy("password_change_done")

    def form_valid(self, form):
        password_change(actor=self.request.user, form=form, request=self.request)
        messages.success(self.request, "密码已修改。")
        return redirect(self.get_success_url())


password_change_view = PasswordChange.as_view()
password_change_done_view = auth_views.PasswordChangeDoneView.as_view(
    template_name="registration/password_change_done.html"
)
