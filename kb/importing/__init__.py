"""Importing fact-checks published by others: ClaimReview markup and ClaimsKG dumps, mapped onto kb's model."""
