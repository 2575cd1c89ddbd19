from django.contrib import admin

from cmr_portal.kernel.admin import ListEntryAdmin
from reviews.models import LearningTheme

# The learning themes applied to reviews and their findings.
admin.site.register(LearningTheme, ListEntryAdmin)
