from processes.rendering import render_markdown


def test_markdown_becomes_html_with_headings_below_the_section_heading():
    html = render_markdown("# Tavoitteet\n\nAsukas saa **palvelun** ajoissa.\n\n- yksi\n- kaksi")

    assert html == (
        "<h3>Tavoitteet</h3>\n"
        "<p>Asukas saa <strong>palvelun</strong> ajoissa.</p>\n"
        "<ul>\n<li>yksi</li>\n<li>kaksi</li>\n</ul>\n"
    )


def test_heading_level_can_start_deeper_and_never_goes_past_h6():
    assert render_markdown("# Vaihe\n\n#### Syvä", heading_level=5) == "<h5>Vaihe</h5>\n<h6>Syvä</h6>\n"


def test_raw_html_is_shown_as_text_not_run():
    html = render_markdown('Ennen <script>alert("x")</script> <img src=x onerror=alert(1)> jälkeen')

    assert "<script" not in html
    assert "<img" not in html
    assert "&lt;script&gt;" in html


def test_javascript_and_data_links_lose_their_address():
    html = render_markdown(
        "[klikkaa](javascript:alert(1)) [data](data:text/html;base64,PHNjcmlwdD4=) <javascript:alert(2)>"
    )

    assert "href" not in html
    assert "javascript:alert(1)" in html  # left as the visible text of the unlinked source


def test_safe_links_open_without_access_to_the_portal_window():
    html = render_markdown("[THL](https://thl.fi/) ja <mailto:omaolo@example.fi>")

    assert '<a href="https://thl.fi/" rel="noopener noreferrer">THL</a>' in html
    assert '<a href="mailto:omaolo@example.fi" rel="noopener noreferrer">mailto:omaolo@example.fi</a>' in html


def test_tables_keep_their_cells_but_lose_inline_styles():
    html = render_markdown("| Vaihe | Kesto |\n|:--|--:|\n| Suunnittelu | 5 |")

    assert "<th>Vaihe</th>" in html
    assert "<td>Suunnittelu</td>" in html
    assert "style=" not in html


def test_empty_text_renders_nothing():
    assert render_markdown("") == ""
