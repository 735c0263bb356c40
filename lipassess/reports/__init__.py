"""Impact summaries and exports: figures -> plain-language text (en/km), SVG charts, HTML/PDF, data files.

Modules, one job each: ``figures`` (the numbers a summary shows), ``narrative``
(rules -> sentences), ``numbers`` (formatting per language), ``charts``
(SVG), ``khmer`` (line breaks for Pango), ``fonts``, ``render`` (HTML and
PDF), ``exports`` (CSV, XLSX, SPSS). No Flask and no database here: services
build :class:`~lipassess.reports.figures.ImpactFigures` and call these.
"""
