"""Writers for every output format (JSON, CSV, GraphML/GEXF, HTML)."""
