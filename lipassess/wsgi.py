"""The app for a WSGI server, built and warmed once: ``gunicorn --preload 'lipassess.wsgi:app'``.

With ``--preload`` gunicorn imports this module in its master process and
forks the workers from it, so the work of :func:`lipassess.web.warm.warm`
(templates compiled, the open waves' forms and questions prepared) is done
once and shared by every worker. ``'lipassess:create_app()'`` still works; its
workers warm up on their first requests instead.
"""

import gc

from lipassess import create_app
from lipassess.web.warm import warm

app = create_app()
warm(app)
# Everything built so far lives as long as the process: keep it out of the garbage collector's passes,
# which would otherwise touch (and so copy, in every forked worker) the pages the workers share.
gc.freeze()
