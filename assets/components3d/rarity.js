// The card foils and their rarity names: plain data, so the card's light module needs no three.js.
export const FOILS = ["regular", "reverse", "rainbow", "secret"];
export const RARITY_LABELS = {
  regular: "Common",
  reverse: "Rare (reverse holo)",
  rainbow: "Ultra rare (rainbow)",
  secret: "Secret rare",
};
