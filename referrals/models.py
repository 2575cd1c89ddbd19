"""Referral models arrive with the referrals issue."""
