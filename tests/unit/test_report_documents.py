"""How a report document's Markdown becomes a page."""

from pathlib import Path

from service.web.report_pages import document_html


def test_code_in_a_report_is_marked_as_in_no_language():
    """A digest like ``3f0dea9`` holds letters a language check would read as words
    ("dea" is Spanish); code is marked so neither that check nor a browser's translator
    touches it."""
    html = document_html(Path("20260101T000000Z"), "The model, SHA-256 `3f0dea9`.")
    assert '<code translate="no">3f0dea9</code>' in html
    assert "<code>" not in html


def test_sibling_documents_and_images_link_to_the_pages_that_serve_them():
    html = document_html(
        Path("20260101T000000Z"), "See [the card](model_card.md).\n\n![plot](ndcg.png)"
    )
    assert 'href="/app/reports/model-card"' in html
    assert 'src="/app/reports/files/20260101T000000Z/ndcg.png"' in html
