"""Parametric sweeps: design variants of a study run as cases on Dask, combined with xarray."""
