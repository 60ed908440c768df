"""Geography and spatial analysis for Cordon: reference layers, locating points, distances."""
