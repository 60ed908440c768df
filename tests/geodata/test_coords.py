"""GCJ-02 / BD-09 conversions against published reference pairs."""

import numpy as np
import pytest
from numpy.testing import assert_allclose

from geodata.coords import bd09_to_gcj02, bd09_to_wgs84, gcj02_to_bd09, gcj02_to_wgs84, wgs84_to_gcj02

# Reference outputs from the README of wandergis/coordtransform (the widely copied implementation),
# all for the input (116.404, 39.915).
WGS84_TO_GCJ02 = (116.41024449916938, 39.91640428150164)
BD09_TO_GCJ02 = (116.39762729119315, 39.90865673957631)
GCJ02_TO_BD09 = (116.41036949371029, 39.92133699351021)
# The README's one-step gcj02towgs84 approximation; the iterative inverse differs by metres.
GCJ02_TO_WGS84_APPROX = (116.39775550083061, 39.91359571849836)


def test_forward_pairs_match_the_published_values():
    assert_allclose(wgs84_to_gcj02(116.404, 39.915), WGS84_TO_GCJ02, rtol=0, atol=1e-12)
    # The published value comes from Baidu's approximate inverse; ours iterates it to 1e-9 deg.
    assert_allclose(bd09_to_gcj02(116.404, 39.915), BD09_TO_GCJ02, rtol=0, atol=2e-6)
    assert_allclose(gcj02_to_bd09(116.404, 39.915), GCJ02_TO_BD09, rtol=0, atol=1e-12)


def test_iterative_inverse_recovers_the_published_input():
    assert_allclose(gcj02_to_wgs84(*WGS84_TO_GCJ02), (116.404, 39.915), rtol=0, atol=1e-9)
    assert_allclose(gcj02_to_wgs84(116.404, 39.915), GCJ02_TO_WGS84_APPROX, rtol=0, atol=1e-4)


def test_round_trips_over_the_border_region_are_below_1e6_degrees():
    rng = np.random.default_rng(0)
    lon, lat = rng.uniform(97, 110, 10_000), rng.uniform(20, 30, 10_000)
    back = gcj02_to_wgs84(*wgs84_to_gcj02(lon, lat))
    assert np.abs(np.subtract(back, (lon, lat))).max() < 1e-6
    bd = gcj02_to_bd09(*wgs84_to_gcj02(lon, lat))
    assert np.abs(np.subtract(bd09_to_wgs84(*bd), (lon, lat))).max() < 1e-6
    assert np.abs(np.subtract(bd09_to_gcj02(*gcj02_to_bd09(lon, lat)), (lon, lat))).max() < 1e-6


def test_offset_in_guangxi_is_hundreds_of_metres():
    glon, glat = wgs84_to_gcj02(106.71222, 21.97639)
    assert 0.002 < glon - 106.71222 < 0.006
    assert -0.004 < glat - 21.97639 < -0.002


def test_points_outside_china_are_unchanged():
    assert_allclose(wgs84_to_gcj02(-0.1246, 51.5007), (-0.1246, 51.5007))
    assert_allclose(gcj02_to_wgs84([139.7, 2.0], [35.6, 0.5]), ([139.7, 2.0], [35.6, 0.5]))


@pytest.mark.parametrize("function", [wgs84_to_gcj02, gcj02_to_wgs84, gcj02_to_bd09, bd09_to_gcj02, bd09_to_wgs84])
def test_bad_input_raises(function):
    with pytest.raises(ValueError, match="same shape"):
        function([1.0, 2.0], [1.0])
    with pytest.raises(ValueError, match="finite"):
        function([np.nan], [1.0])
