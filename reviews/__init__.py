"""Case Management Reviews: team, terms of reference, agency information, findings and actions."""
