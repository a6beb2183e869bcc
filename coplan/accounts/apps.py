from django.apps import AppConfig


class AccountsConfig(AppConfig):
    name = "coplan.accounts"
    label = "accounts"
    verbose_name = "Accounts and access"
