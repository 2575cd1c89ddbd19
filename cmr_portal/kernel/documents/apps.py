from django.apps import AppConfig


class DocumentsConfig(AppConfig):
    name = "cmr_portal.kernel.documents"
    label = "documents"
    verbose_name = "Documents"
