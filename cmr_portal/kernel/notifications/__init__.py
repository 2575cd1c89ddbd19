"""Notifications: a row for each person told something, then an email saying where to look."""
