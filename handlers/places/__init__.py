"""Places: the municipality's wijken and buurten, where a location lies, and which wijken border."""
