"""ESCO taxonomy, loaders, the bundled extract and the text → concept linker (no Django)."""
