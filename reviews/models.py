"""Review models arrive with the review workspace issue."""
