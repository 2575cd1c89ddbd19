"""Referrals (notifications) to the SBNI, their consideration and the decisions on them."""
