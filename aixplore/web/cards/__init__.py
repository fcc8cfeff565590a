"""Trading cards: the /cards gallery and a solution's card."""
