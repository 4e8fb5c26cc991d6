from django.apps import AppConfig


class PortalConfig(AppConfig):
    name = "qingfeng.portal"
    label = "portal"
    verbose_name = "公众举报门户"
    default_auto_field = "django.db.models.BigAutoField"
