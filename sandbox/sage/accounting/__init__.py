"""The accounting API v3.1: one business's books, read and written as Sage does."""
