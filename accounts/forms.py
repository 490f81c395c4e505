from django import forms
from django.contrib.auth.forms import AuthenticationForm
from django.contrib.auth.password_validation import validate_password

from accounts.models import User


class LoginForm(AuthenticationForm):
    username = forms.EmailField(label="이메일", widget=forms.EmailInput(attrs={"autofocus": True}))
    password = forms.CharField(label="비밀번호", strip=False, widget=forms.PasswordInput)
    error_messages = {
        "invalid_login": "이메일 또는 비밀번호가 올바르지 않습니다.",
        "inactive": "사용이 중지된 계정입니다.",
    }


class SignupForm(forms.Form):
    email = forms.EmailField(
        label="이메일", error_messages={"invalid": "올바른 이메일 주소를 입력하세요."}
    )
    name = forms.CharField(label="이름", max_length=100)
    phone = forms.CharField(label="전화번호", max_length=20, required=False)
    password = forms.CharField(label="비밀번호", widget=forms.PasswordInput)
    password_confirm = forms.CharField(label="비밀번호 확인", widget=forms.PasswordInput)

    def clean_email(self):
        email = self.cleaned_data["email"].strip().lower()
        if User.objects.filter(email=email).exists():
            raise forms.ValidationError("이미 가입된 이메일입니다.")
        return email

    def clean(self):
        data = super().clean()
        pw, pw2 = data.get("password"), data.get("password_confirm")
        if pw and pw2 and pw != pw2:
            self.add_error("password_confirm", "비밀번호가 일치하지 않습니다.")
        elif pw:
            try:
                validate_password(pw)
            except forms.ValidationError as exc:
                self.add_error("password", exc)
        return data
