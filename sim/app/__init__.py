"""The classroom page (`sim serve`): Streamlit modules over the Python API; needs peacesim[app]."""
