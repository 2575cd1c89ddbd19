"""The SBNI's monitoring figures, their charts and their downloads (issue 20)."""
