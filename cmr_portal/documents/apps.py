from django.apps import AppConfig


class DocumentsConfig(AppConfig):
    name = "cmr_portal.documents"
    label = "documents"
    verbose_name = "Documents"
