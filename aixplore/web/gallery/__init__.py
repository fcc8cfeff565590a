"""/gallery: a member's cards in a 3D room."""
