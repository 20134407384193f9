"""The Streamlit dashboard: one page per module in ``views``, talking to the API over HTTP."""
