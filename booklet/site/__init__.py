"""The static, read-only score site (issue 6).

`booklet.site.build.build_site(ctx)` writes every page into `ctx.site_dir`:
plain HTML with inline SVG charts, one stylesheet, one small script, and the
scores as CSV and XLSX. Nothing on the site loads a resource from elsewhere.
"""
