"""The guideline knowledge base: excerpts in our own words, chosen for who is asking."""
