"""The new-key form offers only the lifetimes the limits allow."""

from aixplore.web.apikeys.state import expiry_choices


def test_lifetimes_under_a_limit_are_the_usual_ones_that_fit_and_the_limit() -> None:
    assert expiry_choices(30) == ["7", "30"]
    assert expiry_choices(60) == ["7", "30", "60"]
    assert expiry_choices(3) == ["3"]


def test_no_tighter_limit_than_the_usual_choices_keeps_them_all() -> None:
    assert expiry_choices(365) == ["7", "30", "90", "365"]
    assert expiry_choices(3650) == ["7", "30", "90", "365"]
