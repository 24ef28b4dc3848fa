"""Developer and CI scripts, importable by the tests (scripts.check_image_files)."""
