"""Built-in export-post themes (data only). Each subfolder is one theme; see theme.yaml."""
