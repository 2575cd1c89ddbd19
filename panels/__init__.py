"""Panels, agencies, users and their memberships and roles."""
