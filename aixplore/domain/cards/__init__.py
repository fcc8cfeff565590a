"""Trading cards: a solution's card rarity from its rating and reviews (a trader's record later)."""
