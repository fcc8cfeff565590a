"""The ECE token pages: /token and the token on the profile page."""
