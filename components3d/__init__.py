"""Reflex wrappers of the JSX 3D scenes under assets/components3d/ (arriving with the 3D issue)."""
