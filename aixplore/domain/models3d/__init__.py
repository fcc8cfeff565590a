"""3D models of solutions: upload checks, storage, DRACO levels of detail and a poster."""
