"""Demo and benchmark data: a believable catalog, and a large generated one."""

from aixplore.demo.catalog import SeedReport, seed_demo_catalog
from aixplore.demo.large import seed_large_catalog

__all__ = ["SeedReport", "seed_demo_catalog", "seed_large_catalog"]
