"""The app's pages, one module each (the folder is not called pages/: see dashboard.context)."""
