from django.apps import AppConfig


class AuditConfig(AppConfig):
    name = "cmr_portal.kernel.audit"
    label = "audit"
    verbose_name = "Audit trail"
