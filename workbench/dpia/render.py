def render_html(doc): return "<html></html>"
