"""The shared page pieces now live in the component kit (``aixplore/web/kit``).

Kept for the pages that have not moved onto the kit yet; new code imports ``aixplore.web.kit``.
"""

from aixplore.web.kit import counted, field, form_error, form_notice, link_button

__all__ = ["counted", "field", "form_error", "form_notice", "link_button"]
