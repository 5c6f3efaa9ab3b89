"""Settings: typed configuration read from the environment; the layer every other package may import."""
