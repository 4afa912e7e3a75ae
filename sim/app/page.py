"""The classroom page, run by Streamlit (`sim serve`): one run of this script per browser tab
and per click, sharing one server's pool of workers and open class."""

from __future__ import annotations

import streamlit as st

from sim.app import classview, explore
from sim.app.server import Server, Settings


@st.cache_resource
def server(settings: tuple[tuple[str, str], ...]) -> Server:
    """One per server process (and settings): every tab shares its workers and its class. The
    charts' library is loaded now, not in the first page that shows results."""
    import altair  # noqa: F401

    return Server(Settings.from_env(dict(settings)))


def main() -> None:
    st.set_page_config(page_title="peacesim classroom", layout="wide")
    srv = server(tuple(sorted(Settings.from_env().to_env().items())))
    st.title("peacesim: talks, a ceasefire and the road out")
    fictional = st.toggle("Fictional names (an invented country; the same runs)",
                          key="fictional")
    code_ok = True
    if srv.settings.shared:
        code = st.text_input("Join code (from your teacher)", type="password", key="join_code")
        code_ok = srv.current is not None and srv.current.open and srv.current.admits(code)
        if not code_ok:
            st.warning("This page is shared on the network: type the class's join code to run "
                       "or submit anything.")
    explore_tab, class_tab = st.tabs(["Explore", "Class"])
    with explore_tab:
        if code_ok:
            explore.view(srv, fictional, code_ok)
        else:  # nothing to choose, upload or run on a shared host without the code
            st.info("Explore opens once you have typed the class's join code above.")
    with class_tab:
        classview.view(srv, fictional, code_ok)


main()
