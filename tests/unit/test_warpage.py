"""Warpage sign and magnitude on synthetic surfaces with known answers."""

from __future__ import annotations

import numpy as np
import pytest

from warp import warpage

X = np.linspace(-6.0, 6.0, 41)
Y = np.linspace(-5.0, 5.0, 31)
XX, YY = np.meshgrid(X, Y, indexing="ij")


def test_dome_is_positive_and_bowl_negative():
    dome = 50.0 - 0.5 * (XX**2 + YY**2)  # centre higher than the corners
    assert warpage.signed_warpage(X, Y, dome) > 0
    assert warpage.signed_warpage(X, Y, -dome) < 0


def test_magnitude_is_peak_to_valley_about_the_plane_and_ignores_tilt():
    bowl = 0.2 * (XX**2 + YY**2)
    tilted = bowl + 3.0 * XX - 2.0 * YY + 7.0
    w = warpage.signed_warpage(X, Y, bowl)
    assert warpage.signed_warpage(X, Y, tilted) == pytest.approx(w, rel=1e-12)
    flat = warpage.flatten(X, Y, bowl)
    assert abs(w) == pytest.approx(flat.max() - flat.min())
    assert abs(w) == pytest.approx(0.2 * (36 + 25), rel=0.02)


def test_saddle_sign_follows_the_diagonal_sums():
    saddle = XX * YY  # concave along one diagonal, convex along the other, by the same amount
    assert warpage.diagonal_sign(X, Y, saddle - 0.01 * (XX**2 + YY**2)) == 1.0
    assert warpage.diagonal_sign(X, Y, saddle + 0.01 * (XX**2 + YY**2)) == -1.0


def test_coplanarity_of_points_on_a_plane_is_zero():
    x, y = XX.ravel(), YY.ravel()
    assert warpage.coplanarity(x, y, 1.0 + 0.1 * x - 0.3 * y) == pytest.approx(0.0, abs=1e-12)
    z = np.zeros_like(x)
    z[0] = 5.0
    assert warpage.coplanarity(x, y, z) == pytest.approx(5.0, rel=0.01)
